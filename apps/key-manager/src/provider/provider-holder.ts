import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Logger } from '@apim/service';
import { signingKeyAt, type PublishedKey, type SigningKeyStore } from '../models/signing-keys.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

function fingerprint(keys: readonly PublishedKey[]): string {
  return `${keys.map((k) => k.kid).join(',')}|${signingKeyAt(keys)?.kid ?? ''}`;
}

/**
 * oidc-provider fixes its keystore when built, so a Provider is rebuilt whenever the published
 * keys or the signing key change (a rotation here or on another instance). All state lives in
 * the database, so requests simply move to the new instance.
 */
export class ProviderHolder {
  private provider!: Provider;
  private listener!: Listener;
  private keys: PublishedKey[] = [];
  private print = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly build: (keys: readonly PublishedKey[]) => Provider,
    private readonly logger: Logger,
  ) {}

  get current(): Provider {
    return this.provider;
  }

  get publishedKeys(): readonly PublishedKey[] {
    return this.keys;
  }

  /** Re-reads the keys; rebuilds the provider when they changed. */
  async refresh(): Promise<void> {
    const keys = await this.store.load();
    const print = fingerprint(keys);
    if (print === this.print) return;
    if (!signingKeyAt(keys)) throw new Error('no signing key is active');
    this.provider = this.build(keys);
    this.listener = this.provider.callback();
    this.keys = keys;
    this.print = print;
    this.logger.info(
      { kids: keys.map((k) => k.kid), signing: signingKeyAt(keys)?.kid },
      'signing keys loaded',
    );
  }

  start(pollSeconds: number): void {
    this.timer = setInterval(() => {
      this.refresh().catch((e: unknown) =>
        this.logger.error({ err: (e as Error).message }, 'could not reload the signing keys'),
      );
    }, pollSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.listener(req, res);
  }
}
