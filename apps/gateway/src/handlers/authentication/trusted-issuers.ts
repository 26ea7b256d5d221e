import { KEY_MANAGER_SECRETS_PURPOSE, RESIDENT_KEY_MANAGER, type GatewayIssuer } from '@apim/contracts';
import { decryptSecret, derivedKey, type Logger } from '@apim/service';
import type { GatewayConfig } from '../../config.js';
import type { GatewayState } from '../../store/state.js';
import { remoteKeySet } from '../../shared/remote-key-set.js';
import { Introspector, KEY_MANAGER_OPAQUE_TOKEN, type IntrospectionOptions } from './introspection.js';
import type { TrustedIssuer } from './verification.js';

const KEY_MANAGER_ALGORITHMS = ['RS256', 'ES256', 'PS256'];
/** the key manager's client id at its introspection endpoint (a built-in client) */
const GATEWAY_CLIENT_ID = 'apim-gateway';

/**
 * The key managers whose tokens this node trusts, by issuer: the resident one, and the external
 * ones the state holds, followed as they change.
 */
export class TrustedIssuers {
  private issuers = new Map<string, TrustedIssuer>();
  readonly keyManager: TrustedIssuer;
  /** external issuers already refused for want of an audience, told once in the log */
  private readonly untrusted = new Set<string>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly state: GatewayState,
    private readonly logger: Logger,
    private readonly introspectionOptions: IntrospectionOptions,
  ) {
    const jwksUrl = `${config.keyManagerUrl}/oauth2/jwks`;
    this.keyManager = {
      issuer: config.keyManagerUrl,
      name: RESIDENT_KEY_MANAGER,
      jwksUrl,
      keys: remoteKeySet(new URL(jwksUrl), { cooldownMs: 5000 }),
      audience: config.tokenAudience,
      algorithms: KEY_MANAGER_ALGORITHMS,
      clientIdClaim: 'client_id',
      scopesClaim: 'scope',
      claimMappings: {},
      introspector: new Introspector(
        {
          url: `${config.keyManagerUrl}/oauth2/introspect`,
          clientId: GATEWAY_CLIENT_ID,
          clientSecret: config.internalSecret,
          audience: config.tokenAudience,
          tokenShape: KEY_MANAGER_OPAQUE_TOKEN,
        },
        introspectionOptions,
      ),
      builtIn: true,
    };
    this.refresh();
  }

  get(issuer: string): TrustedIssuer | undefined {
    return this.issuers.get(issuer);
  }

  all(): IterableIterator<TrustedIssuer> {
    return this.issuers.values();
  }

  /**
   * The trusted issuers from the state: the resident key manager and every enabled external one
   * with an audience. Key sets and introspection clients are kept while their settings stay the
   * same (a JWKS URL or introspection change makes new ones at once).
   */
  refresh(): void {
    const next = new Map<string, TrustedIssuer>([[this.keyManager.issuer, this.keyManager]]);
    for (const i of this.state.issuers.values()) {
      if (!i.enabled || !i.jwksUrl || i.issuer === this.keyManager.issuer) continue;
      if (!i.audience) {
        if (!this.untrusted.has(i.name))
          this.logger.warn({ keyManager: i.name }, 'key manager has no audience: its tokens are refused');
        this.untrusted.add(i.name);
        continue;
      }
      const known = [...this.issuers.values()].find((t) => !t.builtIn && t.name === i.name);
      next.set(i.issuer, {
        issuer: i.issuer,
        name: i.name,
        jwksUrl: i.jwksUrl,
        keys: known?.jwksUrl === i.jwksUrl ? known.keys : remoteKeySet(new URL(i.jwksUrl)),
        audience: i.audience,
        algorithms: i.algorithms.length ? i.algorithms : KEY_MANAGER_ALGORITHMS,
        clientIdClaim: i.consumerKeyClaim ?? i.claimMappings.consumerKeyClaim ?? 'azp',
        scopesClaim: i.scopesClaim ?? i.claimMappings.scopesClaim ?? 'scope',
        claimMappings: i.claimMappings,
        introspector: this.introspectorOf(i, i.audience, known?.introspector ?? null),
        builtIn: false,
      });
    }
    this.issuers = next;
  }

  /** An external issuer's introspection client: the known one while its settings are unchanged. */
  private introspectorOf(
    i: GatewayIssuer,
    audience: string,
    known: Introspector | null,
  ): Introspector | null {
    const spec = i.introspection;
    if (!spec) return null;
    let clientSecret: string;
    try {
      clientSecret = decryptSecret(
        derivedKey(this.config.internalSecret, KEY_MANAGER_SECRETS_PURPOSE),
        spec.sealedSecret,
      );
    } catch {
      this.logger.warn(
        { keyManager: i.name },
        'the introspection secret of a key manager cannot be opened (another APIM_INTERNAL_SECRET?): its opaque tokens are refused',
      );
      return null;
    }
    const e = known?.endpoint;
    if (
      e &&
      e.url === spec.endpoint &&
      e.clientId === spec.clientId &&
      e.clientSecret === clientSecret &&
      e.audience === audience
    )
      return known;
    return new Introspector(
      { url: spec.endpoint, clientId: spec.clientId, clientSecret, audience, tokenShape: null },
      this.introspectionOptions,
    );
  }
}
