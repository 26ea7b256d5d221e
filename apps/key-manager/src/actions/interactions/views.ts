/**
 * Server-rendered pages: plain HTML forms, labelled fields, no external assets. They look like the
 * console (its header, colours, fonts, fields and buttons: the same values as its Mantine theme),
 * so signing in does not feel like leaving the product. The only script is the sign-out page's
 * self-submitting form (see signingOutPage).
 */
const STYLE = `:root{--fg:#1d2433;--muted:#5b6478;--bg:#f6f7fb;--line:#d9dde7;--accent:#1f5fbf;--accent-dark:#164fa3;--danger:#b42318}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:15px;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
header{display:flex;align-items:center;padding:10px 24px;background:#132035;min-height:52px}
header span{color:#fff;font-weight:700;font-size:1.1rem;padding:6px 8px}
main{max-width:26rem;margin:48px auto;padding:0 16px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:24px 28px;box-shadow:0 1px 3px rgb(29 36 51 / 8%)}
h1{font-size:1.45rem;margin:0 0 6px}
p{line-height:1.5}
.muted{color:var(--muted);margin-top:0}
label{display:block;font-weight:600;font-size:.92rem;margin:14px 0 4px}
input[type=text],input[type=password],input[type=email]{width:100%;font:inherit;padding:7px 10px;border:1px solid #ced4da;border-radius:4px;background:#fff;color:var(--fg)}
input:focus{border-color:var(--accent);outline:none;box-shadow:0 0 0 2px #d3e0f5}
.hint{color:var(--muted);font-size:.85rem;font-weight:400}
.actions{display:flex;gap:8px;align-items:center;margin-top:20px;flex-wrap:wrap}
.actions form{margin:0}
button,.button{font:inherit;font-weight:600;padding:7px 16px;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button:hover,.button:hover{background:var(--accent-dark)}
button.secondary,.button.secondary{background:#fff;color:var(--fg);border-color:#ced4da}
button.secondary:hover,.button.secondary:hover{background:#f1f3f5}
.error{background:#fdecea;border:1px solid #f4b4ad;color:var(--danger);padding:9px 12px;border-radius:4px;margin:12px 0}
ul{padding-left:1.25rem}
.footer{margin-top:18px;color:var(--muted)}`;

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A page in the console's frame: its header bar, then the content on a card. */
export function layout(title: string, body: string, script = ''): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · APIM</title><style>${STYLE}</style></head>
<body><header><span>API Manager</span></header><main><div class="card">${body}</div></main>${script}</body></html>`;
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
  // Cancel submits a form of its own (the abort action), from inside the sign-in form's row
  return layout(
    'Sign in',
    `<h1>Sign in</h1><p class="muted">to continue to <strong>${escapeHtml(options.clientName)}</strong></p>${errorBlock(options.error)}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(options.username)}" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions"><button type="submit">Sign in</button><button class="secondary" type="submit" form="abort">Cancel</button></div></form>
<form id="abort" method="post" action="${escapeHtml(options.abortAction)}"></form>
${options.signupUrl ? `<p class="footer">No account? <a href="${escapeHtml(options.signupUrl)}">Sign up</a></p>` : ''}`,
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
<div class="actions"><form method="post" action="${escapeHtml(options.action)}"><button type="submit">Allow</button></form>
<form method="post" action="${escapeHtml(options.abortAction)}"><button class="secondary" type="submit">Deny</button></form></div>`,
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
<label for="password">Password <span class="hint">(at least 8 characters)</span></label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="8">
<div class="actions"><button type="submit">Sign up</button></div></form>`,
  );
}

export function messagePage(title: string, message: string, link?: { href: string; text: string }): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${
      link
        ? `<div class="actions"><a class="button" href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></div>`
        : ''
    }`,
  );
}

/** oidc-provider's errors (a bad authorization or logout request) in words, with the way back. */
export function errorPage(out: { error?: string; error_description?: string }, consoleUrl: string): string {
  return messagePage(
    'The request could not be completed',
    out.error_description ? `${out.error_description} (${out.error ?? 'error'})` : (out.error ?? 'error'),
    { href: consoleUrl, text: 'Back to the console' },
  );
}

/** `form` is oidc-provider's own logout form (with its CSRF token); we add the buttons. */
export function logoutPage(form: string): string {
  return layout(
    'Sign out',
    `${form}<h1>Sign out</h1><p>Do you want to sign out?</p>
<div class="actions"><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button></div>`,
  );
}

/**
 * Sign-out without a second question: the application that asked sent an ID token of the signed-in
 * user (RP-Initiated Logout allows ending the session without asking then), so oidc-provider's form
 * submits itself at once (the maintainers' advice for skipping the prompt). Without scripts, one
 * button does it.
 */
export function signingOutPage(form: string): string {
  return layout(
    'Signing out',
    `${form}<input type="hidden" form="op.logoutForm" name="logout" value="yes"><h1>Signing out…</h1>
<noscript><div class="actions"><button type="submit" form="op.logoutForm">Sign out</button></div></noscript>`,
    `<script>document.getElementById('op.logoutForm').submit();</script>`,
  );
}

export function logoutSuccessPage(consoleUrl: string): string {
  return messagePage('Signed out', 'You have been signed out.', {
    href: consoleUrl,
    text: 'Back to the console',
  });
}
