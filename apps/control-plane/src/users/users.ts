/** Users and roles (the admin's /users and /roles; the developer portal's self sign-up shares createAccount). */
import { Roles, Scopes } from '@apim/contracts';
import { adminComponents, type Admin } from '@apim/rest-contract';
import { type Prisma, type PrismaClient } from '@apim/db';
import { hashPassword } from '@apim/service';
import type { AppContext } from '../context.js';
import { badRequest, conflict, conflictOnDuplicate, notFound } from '../http/errors.js';
import { page, pagingQuery, type Paging } from '../http/paging.js';
import { operation, ref, type OperationSpec } from '../http/rest-api.js';
import { gatewayWrites } from '../model/gateway-writes.js';

export interface AccountInput {
  username: string;
  password: string;
  email?: string;
  displayName?: string;
  roles: string[];
}

type UserRow = Prisma.UserGetPayload<{ include: { roles: true } }>;

export function userDto(u: UserRow) {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    displayName: u.displayName ?? u.username,
    roles: u.roles.map((r) => r.roleName).sort(),
    enabled: u.enabled,
    createdTime: u.createdAt.toISOString(),
  };
}

/** Users whose username, display name or email contains the text, in any case. */
function userSearch(text: string): Prisma.UserWhereInput {
  const contains = { contains: text, mode: 'insensitive' as const };
  return { OR: [{ username: contains }, { displayName: contains }, { email: contains }] };
}

async function checkRoles(prisma: PrismaClient, roles: string[]) {
  const found = await prisma.role.findMany({ where: { name: { in: roles } } });
  const missing = roles.filter((r) => !found.some((f) => f.name === r));
  if (missing.length) throw badRequest(`Unknown roles: ${missing.join(', ')}`);
}

/** Creates a user with a hashed password; a taken username or email is a 409. */
export async function createAccount(prisma: PrismaClient, input: AccountInput): Promise<UserRow> {
  await checkRoles(prisma, input.roles);
  const passwordHash = await hashPassword(input.password);
  return prisma.user
    .create({
      data: {
        username: input.username,
        email: input.email ?? null,
        displayName: input.displayName ?? null,
        passwordHash,
        roles: { create: [...new Set(input.roles)].map((roleName) => ({ roleName })) },
      },
      include: { roles: true },
    })
    .catch(conflictOnDuplicate('The username or email is already registered'));
}

export function userOperations({ prisma }: AppContext): OperationSpec<never, never>[] {
  const access = [Scopes.admin];
  const params = { userId: { type: 'string', format: 'uuid' } };
  const find = async (id: string) => {
    const u = await prisma.user.findUnique({ where: { id }, include: { roles: true } });
    if (!u) throw notFound('User');
    return u;
  };
  return [
    operation<unknown, Paging & { query?: string }>({
      method: 'get',
      path: '/users',
      operationId: 'getUsers',
      summary: 'List users, a page at a time (query: part of a username, display name or email)',
      tag: 'Users',
      access,
      query: { properties: { ...pagingQuery, query: { type: 'string', maxLength: 64 } } },
      responses: { 200: { description: 'Users', schema: ref('UserList') } },
      async handle({ query }) {
        const where = query.query ? userSearch(query.query) : {};
        const [total, rows] = await Promise.all([
          prisma.user.count({ where }),
          prisma.user.findMany({
            where,
            include: { roles: true },
            orderBy: { username: 'asc' },
            skip: query.offset,
            take: query.limit,
          }),
        ]);
        return { status: 200, body: page('/users', rows.map(userDto), total, query) };
      },
    }),
    operation<AccountInput>({
      method: 'post',
      path: '/users',
      operationId: 'addUser',
      summary: 'Create a user',
      tag: 'Users',
      access,
      body: { ...ref('User'), required: ['username', 'password', 'roles'] },
      responses: { 201: { description: 'Created', schema: ref('User') } },
      async handle({ body }) {
        return { status: 201, body: userDto(await createAccount(prisma, body)) };
      },
    }),
    operation({
      method: 'get',
      path: '/users/{userId}',
      operationId: 'getUser',
      summary: 'One user',
      tag: 'Users',
      access,
      params,
      responses: { 200: { description: 'The user', schema: ref('User') } },
      async handle({ params: p }) {
        return { status: 200, body: userDto(await find(p.userId!)) };
      },
    }),
    operation<Partial<AccountInput> & { enabled?: boolean }>({
      method: 'patch',
      path: '/users/{userId}',
      operationId: 'updateUser',
      summary: "Change a user's roles, email, display name, password or enabled flag",
      tag: 'Users',
      access,
      params,
      body: { type: 'object', properties: (adminComponents.User as { properties: object }).properties },
      responses: { 200: { description: 'The user', schema: ref('User') } },
      async handle({ params: p, body, principal }) {
        const current = await find(p.userId!);
        if (body.username && body.username !== current.username)
          throw badRequest('A username cannot be changed');
        if (
          current.id === principal?.userId &&
          (body.enabled === false || (body.roles && !body.roles.includes(Roles.admin)))
        )
          throw conflict('You cannot disable yourself or remove your own admin role');
        if (body.roles) await checkRoles(prisma, body.roles);
        const passwordHash = body.password ? await hashPassword(body.password) : undefined;
        // gateways forget the Basic credentials they verified for the user, in the same commit
        const updated = await prisma.$transaction((tx) =>
          gatewayWrites.user.update(tx, current, {
            roles: body.roles,
            data: {
              email: body.email ?? current.email,
              displayName: body.displayName ?? current.displayName,
              enabled: body.enabled ?? current.enabled,
              ...(passwordHash ? { passwordHash, failedLogins: 0, lockedUntil: null } : {}),
            },
          }),
        );
        return { status: 200, body: userDto(updated) };
      },
    }),
    operation({
      method: 'delete',
      path: '/users/{userId}',
      operationId: 'removeUser',
      summary: 'Delete a user (and their applications); a user who provides APIs cannot be deleted',
      tag: 'Users',
      access,
      params,
      responses: { 200: { description: 'Deleted' } },
      async handle({ params: p, principal }) {
        const current = await find(p.userId!);
        if (current.id === principal?.userId) throw conflict('You cannot delete yourself');
        const apis = await prisma.api.count({ where: { providerId: current.id } });
        if (apis)
          throw conflict(`The user provides ${apis} API(s): give them to someone else or delete them first`);
        const apps = await prisma.application.count({ where: { ownerId: current.id } });
        if (apps)
          throw conflict(
            `The user owns ${apps} application(s): delete them first (their keys live in the key manager)`,
          );
        await prisma.$transaction((tx) => gatewayWrites.user.delete(tx, current));
        return { status: 200 };
      },
    }),
    operation({
      method: 'get',
      path: '/roles',
      operationId: 'getRoles',
      summary: 'List roles',
      tag: 'Roles',
      access,
      responses: { 200: { description: 'Roles', schema: ref('RoleList') } },
      async handle() {
        const rows = await prisma.role.findMany({ orderBy: { name: 'asc' } });
        return {
          status: 200,
          body: {
            count: rows.length,
            list: rows.map((r) => ({ name: r.name, description: r.description ?? '', builtIn: r.builtIn })),
          },
        };
      },
    }),
    operation<Admin.Role>({
      method: 'post',
      path: '/roles',
      operationId: 'addRole',
      summary: 'Create a role (bind it to scopes through the scopes API)',
      tag: 'Roles',
      access,
      body: ref('Role'),
      responses: { 201: { description: 'Created', schema: ref('Role') } },
      async handle({ body }) {
        const r = await prisma.role
          .create({ data: { name: body.name, description: body.description ?? null } })
          .catch(conflictOnDuplicate(`A role named '${body.name}' already exists`));
        return { status: 201, body: { name: r.name, description: r.description ?? '', builtIn: false } };
      },
    }),
    operation({
      method: 'delete',
      path: '/roles/{roleName}',
      operationId: 'removeRole',
      summary: 'Delete a role that is not built in',
      tag: 'Roles',
      access,
      params: { roleName: { type: 'string', minLength: 1, maxLength: 64 } },
      responses: { 200: { description: 'Deleted' } },
      async handle({ params: p }) {
        const r = await prisma.role.findUnique({ where: { name: p.roleName! } });
        if (!r) throw notFound('Role');
        if (r.builtIn) throw conflict('Built-in roles cannot be deleted');
        await prisma.$transaction((tx) => gatewayWrites.user.deleteRole(tx, r.name));
        return { status: 200 };
      },
    }),
  ] as OperationSpec<never, never>[];
}
