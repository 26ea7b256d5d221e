/**
 * Server-rendered pages: plain HTML forms, labelled fields, no scripts and no external assets.
 */
const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem}label{display:block;margin:.75rem 0 .25rem}input[type=text],input[type=password],input[type=email]{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.error{color:#a00000;border:1px solid #a00000;padding:.5rem}ul{padding-left:1.25rem}.secondary{background:none;border:none;color:#0645ad;text-decoration:underline;cursor:pointer}`;

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export function layout(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function errorBlock(error?: string): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

export function loginPage(options: {
  action: string;
  clientName: string;
  username?: string;
  error?: string;
  signupUrl?: string;
  abortAction: string;
}): string {
  return layout(
    'Sign in',
    `<h1>Sign in</h1><p>to continue to <strong>${escapeHtml(options.clientName)}</strong></p>${errorBlock(options.error)}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(options.username)}" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<form method="post" action="${escapeHtml(options.abortAction)}"><button class="secondary" type="submit">Cancel</button></form>
${options.signupUrl ? `<p>No account? <a href="${escapeHtml(options.signupUrl)}">Sign up</a></p>` : ''}`,
  );
}

export function consentPage(options: {
  action: string;
  abortAction: string;
  clientName: string;
  username: string;
  scopes: string[];
}): string {
  const list = options.scopes.length
    ? `<ul>${options.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`
    : '<p>Your identity only.</p>';
  return layout(
    'Authorize',
    `<h1>Authorize ${escapeHtml(options.clientName)}</h1><p>Signed in as <strong>${escapeHtml(options.username)}</strong>.
<strong>${escapeHtml(options.clientName)}</strong> asks for:</p>${list}
<form method="post" action="${escapeHtml(options.action)}"><button type="submit">Allow</button></form>
<form method="post" action="${escapeHtml(options.abortAction)}"><button class="secondary" type="submit">Deny</button></form>`,
  );
}

export function signupPage(options: {
  action: string;
  error?: string;
  values?: { username?: string; email?: string; displayName?: string };
}): string {
  const v = options.values ?? {};
  return layout(
    'Sign up',
    `<h1>Create an account</h1>${errorBlock(options.error)}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" required pattern="[A-Za-z0-9._@-]{3,64}" value="${escapeHtml(v.username)}">
<label for="displayName">Full name</label><input id="displayName" name="displayName" type="text" autocomplete="name" value="${escapeHtml(v.displayName)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" value="${escapeHtml(v.email)}">
<label for="password">Password (at least 8 characters)</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">
<button type="submit">Sign up</button></form>`,
  );
}

export function messagePage(title: string, message: string, link?: { href: string; text: string }): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${
      link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''
    }`,
  );
}

export function errorPage(out: { error?: string; error_description?: string }): string {
  return messagePage('Something went wrong', `${out.error ?? 'error'}: ${out.error_description ?? ''}`);
}

/** `form` is oidc-provider's own logout form (with its CSRF token); we add the buttons. */
export function logoutPage(form: string): string {
  return layout(
    'Sign out',
    `${form}<h1>Sign out</h1><p>Do you want to sign out?</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`,
  );
}

export function logoutSuccessPage(): string {
  return messagePage('Signed out', 'You have been signed out.');
}
