/** The pages around signing in: the OAuth callback, "please sign in", and the sign-in button. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { Button } from '@mantine/core';
import { beginLogin, completeLogin, hasScope, useSession } from './auth';
import { useConfig } from './config-context';
import { ErrorBox, Loading, Page } from './ui';

/** Signs in and comes back to this page, or to `returnTo` (e.g. the catalogue after signing up). */
export function SignInButton({ size, returnTo }: { size?: 'compact-sm'; returnTo?: string }) {
  const config = useConfig();
  const location = useLocation();
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <Button
        size={size}
        onClick={() => {
          setError(null);
          beginLogin(config, returnTo ?? location.pathname + location.search).catch(setError);
        }}
      >
        Sign in
      </Button>
      <ErrorBox error={error} />
    </>
  );
}

export function Callback() {
  const config = useConfig();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  // The code can be redeemed once: StrictMode's second effect run must not try again.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    completeLogin(config, window.location.search).then(
      (returnTo) => navigate(returnTo, { replace: true }),
      setError,
    );
  }, [config, navigate]);
  return (
    <Page title="Signing in">
      {error ? (
        <>
          <ErrorBox error={error} />
          <SignInButton />
        </>
      ) : (
        <Loading what="Completing the sign-in" />
      )}
    </Page>
  );
}

/** Shows its children to a signed-in user holding one of the scopes; otherwise says why not. */
export function RequireScope({ anyOf, children }: { anyOf: readonly string[]; children: ReactNode }) {
  const session = useSession();
  if (!session)
    return (
      <Page title="Please sign in">
        <p>This page is for signed-in users.</p>
        <SignInButton />
      </Page>
    );
  if (anyOf.length && !hasScope(session, ...anyOf))
    return (
      <Page title="Not allowed">
        <p>Your roles do not give access to this page.</p>
      </Page>
    );
  return <>{children}</>;
}
