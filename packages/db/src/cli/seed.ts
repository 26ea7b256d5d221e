import { envReader, runMain } from '@apim/service';
import { createPrismaClient } from '../client.js';
import { adminPasswordFromEnv } from '../admin-password.js';
import { seed } from '../seed.js';

await runMain('seed', async () => {
  const r = envReader();
  const databaseUrl = r.url('DATABASE_URL', undefined, ['postgres', 'postgresql']);
  const admin = adminPasswordFromEnv();
  const prisma = createPrismaClient(databaseUrl, { poolSize: 2 });
  try {
    const result = await seed(prisma, {
      adminPassword: admin.password,
      gatewayHttpPort: r.port('APIM_GATEWAY_PORT', 8280),
    });
    console.log(
      `seeded: admin ${result.adminCreated ? 'created' : 'already present'}, ${result.policiesCreated} policies created`,
    );
  } finally {
    await prisma.$disconnect();
  }
  process.exit(0);
});
