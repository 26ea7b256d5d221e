import type { PrismaClient } from '@apim/db';
import { hashSecret } from '@apim/service';
import type { KeyManagerConfig } from '../config.js';

/** The console: a public client that logs users in with authorization code + PKCE. */
export const CONSOLE_CLIENT_ID = 'apim-console';
/** The gateways' client: introspects opaque tokens (secret = APIM_INTERNAL_SECRET). */
export const GATEWAY_CLIENT_ID = 'apim-gateway';

export const BUILT_IN_CLIENTS: ReadonlySet<string> = new Set([CONSOLE_CLIENT_ID, GATEWAY_CLIENT_ID]);

/** Creates or updates the built-in clients from the configuration, at every start. */
export async function ensureBuiltInClients(prisma: PrismaClient, config: KeyManagerConfig): Promise<void> {
  const consoleMetadata = {
    client_name: 'API Manager console',
    application_type: 'web',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [`${config.consoleUrl}/callback`, `${config.consoleUrl}/console/callback`],
    post_logout_redirect_uris: [config.consoleUrl, `${config.consoleUrl}/`, `${config.consoleUrl}/console`],
    token_endpoint_auth_method: 'none',
  };
  const gatewayMetadata = {
    client_name: 'API Manager gateways',
    grant_types: [],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const clients = [
    { clientId: CONSOLE_CLIENT_ID, metadata: consoleMetadata, clientSecretHash: null },
    {
      clientId: GATEWAY_CLIENT_ID,
      metadata: gatewayMetadata,
      clientSecretHash: hashSecret(config.internalSecret),
    },
  ];
  for (const c of clients) {
    await prisma.oAuthClient.upsert({
      where: { clientId: c.clientId },
      create: c,
      update: { metadata: c.metadata, clientSecretHash: c.clientSecretHash },
    });
  }
}
