/** Built-in roles and the REST scopes each may obtain (WSO2's names). */
export const Roles = {
  admin: 'admin',
  publisher: 'publisher',
  creator: 'creator',
  subscriber: 'subscriber',
} as const;
export type RoleName = (typeof Roles)[keyof typeof Roles];

export const Scopes = {
  apiView: 'apim:api_view',
  apiCreate: 'apim:api_create',
  apiPublish: 'apim:api_publish',
  apiDelete: 'apim:api_delete',
  apiImportExport: 'apim:api_import_export',
  subscribe: 'apim:subscribe',
  appManage: 'apim:app_manage',
  subManage: 'apim:sub_manage',
  apiKey: 'apim:api_key',
  tierView: 'apim:tier_view',
  tierManage: 'apim:tier_manage',
  admin: 'apim:admin',
  adminSettings: 'apim:admin_settings',
  policiesView: 'apim:policies_view',
} as const;
export type ScopeName = (typeof Scopes)[keyof typeof Scopes];

const creatorScopes = [Scopes.apiView, Scopes.apiCreate, Scopes.apiImportExport, Scopes.tierView];
const subscriberScopes = [Scopes.subscribe, Scopes.appManage, Scopes.subManage, Scopes.apiKey];

export const RoleScopes: Readonly<Record<RoleName, readonly ScopeName[]>> = {
  subscriber: subscriberScopes,
  creator: creatorScopes,
  publisher: [...creatorScopes, Scopes.apiPublish, Scopes.apiDelete],
  admin: Object.values(Scopes),
};

/** The scopes a user with these roles may be granted. */
export function scopesForRoles(roles: readonly string[]): Set<ScopeName> {
  const out = new Set<ScopeName>();
  for (const r of roles) for (const s of RoleScopes[r as RoleName] ?? []) out.add(s);
  return out;
}
