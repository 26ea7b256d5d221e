import type { PrismaClient } from '@apim/db';

export interface SelfSignUpSetting {
  enabled: boolean;
  roles: string[];
}

/** Self sign-up for the developer portal: on by default with the subscriber role (admins may change it). */
export async function selfSignUpSetting(prisma: PrismaClient): Promise<SelfSignUpSetting> {
  const row = await prisma.systemSetting.findUnique({ where: { key: 'selfSignUp' } });
  const value = (row?.value ?? {}) as Partial<SelfSignUpSetting>;
  return {
    enabled: value.enabled !== false,
    roles: Array.isArray(value.roles) ? value.roles.filter((r) => typeof r === 'string') : ['subscriber'],
  };
}
