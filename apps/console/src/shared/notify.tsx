/**
 * Success notifications that say what to do next ("API created. Next: deploy a revision"): a
 * provider holding them, `useNotify()` to add one, and the polite live region that shows them.
 * Each is dismissible and hides itself after a while.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Link } from 'react-router';

export interface Notification {
  /** what happened, e.g. "API created." */
  message: string;
  /** the next step, as a link inside the console (`to`) or to another site (`href`) */
  next?: { label: string; to?: string; href?: string };
}

interface Shown extends Notification {
  id: number;
}

/** How long a notification stays, unless dismissed first. */
export const NOTIFICATION_MS = 10_000;

const NotifyContext = createContext<(n: Notification) => void>(() => {});

/** Adds a notification (a no-op outside a NotificationsProvider). */
export function useNotify(): (n: Notification) => void {
  return useContext(NotifyContext);
}

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState<Shown[]>([]);
  const next = useRef(0);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setShown((list) => list.filter((n) => n.id !== id));
  }, []);
  const notify = useCallback(
    (n: Notification) => {
      const id = ++next.current;
      setShown((list) => [...list.slice(-2), { ...n, id }]);
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), NOTIFICATION_MS),
      );
    },
    [dismiss],
  );
  useEffect(() => {
    const all = timers.current;
    return () => all.forEach((t) => clearTimeout(t));
  }, []);
  const value = useMemo(() => notify, [notify]);
  return (
    <NotifyContext.Provider value={value}>
      {children}
      <Notifications shown={shown} onDismiss={dismiss} />
    </NotifyContext.Provider>
  );
}

/** The live region: always in the page, so screen readers announce what is added to it. */
function Notifications({ shown, onDismiss }: { shown: Shown[]; onDismiss: (id: number) => void }) {
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Notifications">
      {shown.map((n) => (
        <div key={n.id} className="toast">
          <span>
            {n.message}
            {n.next && (
              <>
                {' '}
                {n.next.to ? (
                  <Link to={n.next.to}>{n.next.label}</Link>
                ) : (
                  <a href={n.next.href} target="_blank" rel="noreferrer">
                    {n.next.label}
                  </a>
                )}
              </>
            )}
          </span>
          <button
            type="button"
            className="link"
            aria-label="Dismiss notification"
            onClick={() => onDismiss(n.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
