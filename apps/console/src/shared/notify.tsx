/**
 * Success notifications that say what to do next ("API created. Next: deploy a revision"), shown
 * by @mantine/notifications: `useNotify()` adds one; NotificationsProvider renders them inside a
 * polite live region (always in the page, so screen readers announce what is added to it). Each is
 * dismissible and hides itself after a while.
 */
import { useCallback, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Notifications, notifications } from '@mantine/notifications';

export interface Notification {
  /** what happened, e.g. "API created." */
  message: string;
  /** the next step, as a link inside the console (`to`) or to another site (`href`) */
  next?: { label: string; to?: string; href?: string };
}

/** How long a notification stays, unless dismissed first. */
export const NOTIFICATION_MS = 10_000;

function NextStep({ next }: { next: NonNullable<Notification['next']> }) {
  return next.to ? (
    <Link to={next.to}>{next.label}</Link>
  ) : (
    <a href={next.href} target="_blank" rel="noreferrer">
      {next.label}
    </a>
  );
}

/** Adds a notification. */
export function useNotify(): (n: Notification) => void {
  return useCallback((n: Notification) => {
    notifications.show({
      role: 'status',
      color: 'green',
      withBorder: true,
      autoClose: NOTIFICATION_MS,
      closeButtonProps: { 'aria-label': 'Dismiss notification' },
      message: (
        <>
          {n.message}
          {n.next && (
            <>
              {' '}
              <NextStep next={n.next} />
            </>
          )}
        </>
      ),
    });
  }, []);
}

export function NotificationsProvider({ children }: { children: ReactNode }) {
  return (
    <>
      {children}
      <div role="status" aria-live="polite" aria-label="Notifications">
        {/* in the page (not a portal), inside the router, so a next step's Link works */}
        <Notifications withinPortal={false} position="bottom-right" limit={3} />
      </div>
    </>
  );
}
