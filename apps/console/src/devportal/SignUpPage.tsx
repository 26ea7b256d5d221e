/** Self sign-up: a new account with the roles the administrator chose (subscriber by default). */
import { useState } from 'react';
import { request } from '../shared/api';
import { useRestMutation } from '../shared/hooks';
import { useBodyCheck, type FieldErrors } from '../shared/schema';
import { SignInButton } from '../shared/session-pages';
import { ErrorBox, Notice, OtherErrors, Page, TextField } from '../shared/ui';

export function SignUpPage() {
  const check = useBodyCheck('devportal', 'selfSignUp');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const signUp = useRestMutation(
    (body: object) => request<{ username: string }>('devportal', '/me/sign-up', { json: body }),
    {
      stale: [],
    },
  );
  if (signUp.isSuccess)
    return (
      <Page title="Account created">
        <Notice>
          Welcome, {signUp.data.username}. Sign in with your new account to create applications and subscribe.
        </Notice>
        <p>
          <SignInButton />
        </p>
      </Page>
    );
  return (
    <Page title="Create an account">
      <form
        className="panel"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const body = {
            username: username.trim(),
            password,
            ...(email.trim() ? { email: email.trim() } : {}),
            ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
          };
          const found: FieldErrors = { ...(check(body) ?? {}) };
          if (password !== repeat) found.repeat = 'does not match the password';
          setErrors(Object.keys(found).length ? found : null);
          if (!Object.keys(found).length) signUp.mutate(body);
        }}
      >
        <TextField
          label="Username"
          required
          autoComplete="username"
          value={username}
          error={errors?.username}
          onChange={setUsername}
        />
        <TextField
          label="Full name"
          autoComplete="name"
          value={displayName}
          error={errors?.displayName}
          onChange={setDisplayName}
        />
        <TextField
          label="E-mail"
          type="email"
          autoComplete="email"
          value={email}
          error={errors?.email}
          onChange={setEmail}
        />
        <TextField
          label="Password"
          type="password"
          required
          autoComplete="new-password"
          hint="At least 8 characters"
          value={password}
          error={errors?.password}
          onChange={setPassword}
        />
        <TextField
          label="Repeat the password"
          type="password"
          required
          autoComplete="new-password"
          value={repeat}
          error={errors?.repeat}
          onChange={setRepeat}
        />
        <OtherErrors errors={errors} shown={['username', 'displayName', 'email', 'password', 'repeat']} />
        <ErrorBox error={signUp.error} />
        <button type="submit" disabled={signUp.isPending}>
          {signUp.isPending ? 'Creating…' : 'Create account'}
        </button>
      </form>
    </Page>
  );
}
