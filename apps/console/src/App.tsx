/** The console's frame: header with navigation by role, routes of each part, sign-in and out. */
import { lazy, Suspense, useState } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { Button } from '@mantine/core';
import { Scopes } from '@apim/contracts';
import {
  hasScope,
  logout,
  PUBLISHER_SCOPES,
  SUBSCRIBER_SCOPES,
  useSession,
  type Session,
} from './shared/auth';
import { useConfig } from './shared/config-context';
import { Callback, RequireScope, SignInButton } from './shared/session-pages';
import { ErrorBox, Loading, Page } from './shared/ui';

const Publisher = lazy(() => import('./publisher/routes'));
const Devportal = lazy(() => import('./devportal/routes'));
const Admin = lazy(() => import('./admin/routes'));
const Analytics = lazy(() => import('./analytics/AnalyticsPage'));

/** Admins see all traffic, publishers that of their APIs, subscribers that of their applications. */
const ANALYTICS_SCOPES = [Scopes.admin, ...PUBLISHER_SCOPES, ...SUBSCRIBER_SCOPES];

interface Section {
  to: string;
  label: string;
  visible: (s: Session | null) => boolean;
}

const SECTIONS: Section[] = [
  { to: '/publisher', label: 'Publisher', visible: (s) => hasScope(s, ...PUBLISHER_SCOPES) },
  { to: '/devportal', label: 'Developer portal', visible: () => true },
  { to: '/admin', label: 'Admin', visible: (s) => hasScope(s, Scopes.admin) },
  { to: '/analytics', label: 'Analytics', visible: (s) => hasScope(s, ...ANALYTICS_SCOPES) },
];

function UserMenu({ session }: { session: Session }) {
  const config = useConfig();
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="user-menu">
      <span aria-label="Signed in as">{session.username}</span>
      <Button variant="white" size="compact-sm" onClick={() => logout(config).catch(setError)}>
        Sign out
      </Button>
      <ErrorBox error={error} />
    </div>
  );
}

function Home() {
  const session = useSession();
  if (hasScope(session, ...PUBLISHER_SCOPES)) return <Navigate to="/publisher/apis" replace />;
  return <Navigate to="/devportal/apis" replace />;
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is no page at this address. <NavLink to="/">Go to the start page</NavLink>.
      </p>
    </Page>
  );
}

export function App() {
  const session = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <NavLink to="/" className="brand">
          API Manager
        </NavLink>
        <nav aria-label="Main">
          {SECTIONS.filter((s) => s.visible(session)).map((s) => (
            <NavLink key={s.to} to={s.to}>
              {s.label}
            </NavLink>
          ))}
        </nav>
        {session ? (
          <UserMenu session={session} />
        ) : (
          <div className="user-menu">
            <NavLink to="/devportal/sign-up">Sign up</NavLink>
            <SignInButton size="compact-sm" />
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/callback" element={<Callback />} />
            <Route
              path="/publisher/*"
              element={
                <RequireScope anyOf={PUBLISHER_SCOPES}>
                  <Publisher />
                </RequireScope>
              }
            />
            <Route path="/devportal/*" element={<Devportal />} />
            <Route
              path="/admin/*"
              element={
                <RequireScope anyOf={[Scopes.admin]}>
                  <Admin />
                </RequireScope>
              }
            />
            <Route
              path="/analytics"
              element={
                <RequireScope anyOf={ANALYTICS_SCOPES}>
                  <Analytics />
                </RequireScope>
              }
            />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
