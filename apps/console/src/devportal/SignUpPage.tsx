/** Self sign-up: a new account with the roles the administrator chose (subscriber by default). */
import { useState } from 'react';
import { request } from '../shared/api';
import { useCheckedWrite } from '../shared/schema';
import { SignInButton } from '../shared/session-pages';
import { FormPanel, Notice, Page, TextField } from '../shared/ui';

export function SignUpPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const signUp = useCheckedWrite(
    'devportal',
    'selfSignUp',
    (body: object) => request<{ username: string }>('devportal', '/me/sign-up', { json: body }),
    { stale: [] },
  );
  const errors = signUp.errors;
  if (signUp.mutation.isSuccess)
    return (
      <Page title="Account created">
        <Notice>
          Welcome, {signUp.mutation.data.username}. Sign in with your new account to create applications and
          subscribe.
        </Notice>
        <p>
          {/* after signing in, the catalogue (not this page, which would offer to sign up again) */}
          <SignInButton returnTo="/devportal/apis" />
        </p>
      </Page>
    );
  return (
    <Page title="Create an account">
      <FormPanel
        write={signUp}
        shown={['username', 'displayName', 'email', 'password', 'repeat']}
        submit="Create account"
        pending="Creating…"
        onSubmit={() =>
          signUp.submit(
            {
              username: username.trim(),
              password,
              ...(email.trim() ? { email: email.trim() } : {}),
              ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
            },
            password === repeat ? {} : { repeat: 'does not match the password' },
          )
        }
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
      </FormPanel>
    </Page>
  );
}
