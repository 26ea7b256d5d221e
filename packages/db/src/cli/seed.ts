import { envReader, runMain } from '@apim/service';
import { createPrismaClient, SystemActors } from '../client.js';
import { adminPasswordFromEnv } from '../admin-password.js';
import { seed } from '../seed.js';

await runMain('seed', async () => {
  const r = envReader();
  const databaseUrl = r.url('DATABASE_URL', undefined, ['postgres', 'postgresql']);
  const admin = adminPasswordFromEnv();
  const prisma = createPrismaClient(databaseUrl, { poolSize: 2, auditActor: SystemActors.seed });
  try {
    const result = await seed(prisma, {
      adminPassword: admin.password,
      gatewayHttpPort: r.port('APIM_GATEWAY_PORT', 8280),
      // as the gateway: an HTTPS listener only with a certificate
      gatewayHttpsPort: r.optionalString('APIM_GATEWAY_TLS_CERT')
        ? r.port('APIM_GATEWAY_HTTPS_PORT', 8243)
        : undefined,
    });
    console.log(
      `seeded: admin ${result.adminCreated ? 'created' : 'already present'}, ${result.policiesCreated} policies created`,
    );
  } finally {
    await prisma.$disconnect();
  }
  process.exit(0);
});
