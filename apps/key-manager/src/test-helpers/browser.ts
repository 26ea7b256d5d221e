/**
 * A scripted browser for the login and consent pages: keeps cookies, follows redirects by hand
 * and stops at the client's redirect URI (which is not served).
 */
export class ScriptedBrowser {
  private cookies = new Map<string, string>();

  constructor(
    private readonly stopAt: string,
    /** sent with every request, e.g. X-Forwarded-For to appear from another address */
    private readonly headers: Record<string, string> = {},
  ) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** One request, no redirect following. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        ...this.headers,
        cookie: this.cookieHeader(),
        accept: 'text/html',
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form) : undefined,
    });
    this.remember(res);
    return res;
  }

  /** Follows redirects until a page is shown (returns it) or the client's redirect URI is reached. */
  async follow(url: string, init: { form?: Record<string, string> } = {}) {
    let res = await this.request(url, init);
    let current = url;
    for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops++) {
      current = new URL(res.headers.get('location')!, current).toString();
      if (current.startsWith(this.stopAt))
        return { callback: new URL(current), status: res.status, html: '' };
      res = await this.request(current);
    }
    return { callback: undefined, status: res.status, html: await res.text(), url: current };
  }

  /** Fills in the login form of the page at `pageUrl`, then consents if asked. */
  async login(
    authorizationUrl: string,
    username: string,
    password: string,
    options: { consent?: boolean } = {},
  ) {
    const page = await this.follow(authorizationUrl);
    if (page.callback) return page;
    const action = /<form method="post" action="([^"]+\/login)"/.exec(page.html)?.[1];
    if (!action) throw new Error(`no login form at ${page.url}: ${page.status} ${page.html.slice(0, 300)}`);
    const after = await this.follow(new URL(action.replace(/&amp;/g, '&'), page.url).toString(), {
      form: { username, password },
    });
    if (after.callback || options.consent === false) return after;
    const confirm = /<form method="post" action="([^"]+\/confirm)"/.exec(after.html)?.[1];
    if (!confirm) return after;
    return this.follow(new URL(confirm, after.url).toString(), { form: {} });
  }
}
