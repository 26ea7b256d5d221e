/**
 * One definition per REST operation serves three purposes: it mounts the express route, it is
 * written into the API's OpenAPI 3.1 document, and the request is validated against that same
 * document with ajv before the handler runs. Nothing can drift between docs and behaviour.
 */
import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';
import { type ScopeName } from '@apim/contracts';
import { ref, type JsonSchema } from '@apim/rest-contract';
import type { Authenticate, Principal } from './auth.js';
import { HttpError } from './errors.js';
import { nulAt } from './nul.js';
import { runAsChange } from '../audit/change-context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export { ref, type JsonSchema };
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call: anyone, any signed-in user, or a caller holding one of these scopes. */
export type Access = 'public' | 'user' | readonly ScopeName[];

export interface RestRequest<B, Q> {
  principal: Principal | undefined;
  params: Record<string, string>;
  query: Q;
  body: B;
  files: Express.Multer.File[];
  ip: string | undefined;
}

/** The caller of an operation whose access is not 'public' (the router has checked there is one). */
export function callerOf(req: { principal: Principal | undefined }): Principal {
  if (!req.principal) throw new HttpError(401, 'Authentication is required');
  return req.principal;
}

export interface RestResult {
  status: number;
  body?: unknown;
  /** send `body` (a string) as is with this content type */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface OperationSpec<B = unknown, Q = Record<string, unknown>> {
  method: HttpMethod;
  /** OpenAPI-style path relative to the API's base path, e.g. /apis/{apiId} */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  /** path parameters (all strings; a value not matching its schema is answered 404) */
  params?: Record<string, JsonSchema>;
  query?: { properties: Record<string, JsonSchema>; required?: string[] };
  /** application/json body */
  body?: JsonSchema;
  /** multipart/form-data: text fields validated as an object, files passed through */
  multipart?: { fields: JsonSchema; fileFields: string[] };
  responses: Record<number, { description: string; schema?: JsonSchema; contentTypes?: string[] }>;
  // A method signature (not a property) so specs with different B and Q share one array type.
  handle(req: RestRequest<B, Q>): Promise<RestResult>;
}

/** Declares an operation; its type parameters are the shapes the schemas guarantee. */
export function operation<B = unknown, Q = Record<string, unknown>>(
  spec: OperationSpec<B, Q>,
): OperationSpec<B, Q> {
  return spec;
}

export interface RestApiDefinition {
  title: string;
  version: string;
  description: string;
  basePath: string;
  schemas: Record<string, JsonSchema>;
  operations: readonly OperationSpec<never, never>[];
}

const SECURITY_SCHEME = 'OAuth2Security';

/** The OpenAPI 3.1 document describing the operations. */
export function openApiDocument(def: RestApiDefinition, allScopes: readonly string[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of def.operations) {
    const parameters = [
      ...Object.entries(op.params ?? {}).map(([name, schema]) => ({
        name,
        in: 'path',
        required: true,
        schema,
      })),
      ...Object.entries(op.query?.properties ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: op.query?.required?.includes(name) ?? false,
        schema,
      })),
    ];
    const security =
      op.access === 'public'
        ? [{}, { [SECURITY_SCHEME]: [] }, { basicAuth: [] }]
        : op.access === 'user'
          ? [{ [SECURITY_SCHEME]: [] }, { basicAuth: [] }]
          : [{ [SECURITY_SCHEME]: [...op.access] }, { basicAuth: [] }];
    const requestBody = op.body
      ? { required: true, content: { 'application/json': { schema: op.body } } }
      : op.multipart
        ? {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  ...op.multipart.fields,
                  properties: {
                    ...((op.multipart.fields.properties as object | undefined) ?? {}),
                    ...Object.fromEntries(
                      op.multipart.fileFields.map((f) => [
                        f,
                        { type: 'string', contentMediaType: 'application/octet-stream' },
                      ]),
                    ),
                  },
                },
              },
            },
          }
        : undefined;
    const responses = Object.fromEntries(
      Object.entries(op.responses).map(([status, r]) => [
        status,
        {
          description: r.description,
          ...(r.schema
            ? {
                content: Object.fromEntries(
                  (r.contentTypes ?? ['application/json']).map((t) => [t, { schema: r.schema }]),
                ),
              }
            : {}),
        },
      ]),
    );
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      tags: [op.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      security,
      responses: {
        ...responses,
        default: { description: 'Error', content: { 'application/json': { schema: ref('Error') } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: def.title, version: def.version, description: def.description },
    servers: [{ url: def.basePath }],
    paths,
    components: {
      schemas: { ...def.schemas, Error: ERROR_SCHEMA },
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: '/oauth2/authorize',
              tokenUrl: '/oauth2/token',
              scopes: Object.fromEntries(allScopes.map((s) => [s, s])),
            },
          },
        },
        basicAuth: { type: 'http', scheme: 'basic' },
      },
    },
  };
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'integer' },
    message: { type: 'string' },
    description: { type: 'string' },
    moreInfo: { type: 'string' },
    error: { type: 'array' },
  },
};

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Validators compiled from the document itself, so they check exactly what it documents. */
export function documentValidators(doc: JsonSchema, id: string) {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema(doc, id);
  return {
    at(pointer: string): ValidateFunction {
      return ajv.compile({ $ref: `${id}#${pointer}` });
    },
    pointer: (...parts: string[]) => `/${parts.map((s) => encodeURIComponent(escapePointer(s))).join('/')}`,
  };
}

/** ajv's errors as one sentence naming each field. */
export function describeErrors(where: string, errors: ErrorObject[] | null | undefined): string {
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    let field = path;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required')
      field = [path, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
    if (e.keyword === 'required') message = 'is required';
    if (e.keyword === 'additionalProperties') {
      field = [path, (e.params as { additionalProperty: string }).additionalProperty]
        .filter(Boolean)
        .join('.');
      message = 'is not a known field';
    }
    if (e.keyword === 'enum')
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    seen.add(field ? `${where} field '${field}' ${message}` : `${where} ${message}`);
  }
  return [...seen].join('; ');
}

function toExpressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

export interface MountOptions {
  authenticate: Authenticate;
  /** the caller's address (the socket peer, or behind trusted proxies the hop they appended) */
  clientAddress: (req: Request) => string;
  maxUploadBytes: number;
  scopes: readonly string[];
}

/**
 * An express router serving the operations, the document at /openapi.json and /openapi.yaml, and
 * 404/405 for anything else under the base path.
 */
export function restRouter(
  def: RestApiDefinition,
  options: MountOptions,
): { router: Router; document: JsonSchema } {
  const document = openApiDocument(def, options.scopes);
  const validators = documentValidators(document, `urn:apim:${def.basePath}`);
  const router = express.Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    // multi-file OpenAPI uploads name their files by relative path (spec/pet.yaml)
    preservePath: true,
    limits: { fileSize: options.maxUploadBytes, files: 50 },
  });
  router.use(express.json({ limit: options.maxUploadBytes, strict: false }));

  const paramAjv = addFormats(new Ajv2020({ strict: false }));
  const queryAjv = addFormats(
    new Ajv2020({ strict: false, coerceTypes: 'array', useDefaults: true, allErrors: true }),
  );
  const yamlText = YAML.stringify(document);
  router.get('/openapi.json', (_req, res) => void res.json(document));
  router.get('/openapi.yaml', (_req, res) => void res.type('application/yaml').send(yamlText));

  for (const op of def.operations) {
    const p = (...rest: string[]) => validators.pointer('paths', op.path, op.method, ...rest);
    const paramsSchema = op.params
      ? {
          type: 'object',
          properties: op.params,
          required: Object.keys(op.params),
        }
      : undefined;
    const validateParams = paramsSchema ? paramAjv.compile(paramsSchema) : undefined;
    const validateQuery = queryAjv.compile({
      type: 'object',
      properties: op.query?.properties ?? {},
      required: op.query?.required ?? [],
    });
    const validateBody = op.body
      ? validators.at(p('requestBody', 'content', 'application/json', 'schema'))
      : op.multipart
        ? validators.at(p('requestBody', 'content', 'multipart/form-data', 'schema'))
        : undefined;

    const handlers: express.RequestHandler[] = [];
    if (op.multipart) handlers.push(upload.any());
    handlers.push(async (req: Request, res: Response) => {
      const principal = await options.authenticate(req.headers.authorization);
      if (op.access !== 'public') {
        if (!principal)
          throw new HttpError(401, 'Authentication is required', {
            'www-authenticate': 'Bearer, Basic realm="apim"',
          });
        if (op.access !== 'user' && !op.access.some((s) => principal.scopes.has(s)))
          throw new HttpError(403, `This operation needs one of the scopes: ${op.access.join(', ')}`);
      }
      const params = { ...(req.params as Record<string, string>) };
      if (validateParams && !validateParams(params)) throw new HttpError(404, 'The resource was not found');
      const query: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
      if (!validateQuery(query))
        throw new HttpError(
          400,
          describeErrors('Query parameter', validateQuery.errors).replace(/ field/g, ''),
        );
      let body: unknown = req.body;
      if (op.multipart) {
        body = { ...(req.body as object) };
        const files = (req.files as Express.Multer.File[] | undefined) ?? [];
        const unknownFile = files.find((f) => !op.multipart?.fileFields.includes(f.fieldname));
        if (unknownFile) throw new HttpError(400, `Unexpected file field '${unknownFile.fieldname}'`);
      } else if (op.body && !req.is('application/json')) {
        throw new HttpError(415, 'The request body must be application/json');
      }
      const nul = nulAt({ path: params, query, body }, '');
      if (nul !== undefined) throw new HttpError(400, `The field '${nul}' contains a NUL character`);
      if (validateBody && !validateBody(body))
        throw new HttpError(400, describeErrors('Request body', validateBody.errors));
      const ip = options.clientAddress(req);
      const restRequest = {
        principal,
        params,
        query: query as never,
        body: body as never,
        files: (req.files as Express.Multer.File[] | undefined) ?? [],
        ip,
      };
      // Every change runs in its change context: the audit triggers attribute the rows it
      // writes to this caller, in the change's own transaction (audit/change-context.ts).
      const result =
        op.method === 'get'
          ? await op.handle(restRequest)
          : await runAsChange(
              {
                ...(principal && UUID.test(principal.userId) ? { actorId: principal.userId } : {}),
                ...(principal ? { actorName: principal.username } : {}),
                action: op.operationId,
                method: op.method.toUpperCase(),
                path: req.originalUrl.split('?')[0] ?? '',
                ip,
              },
              () => op.handle(restRequest),
            );
      for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
      res.status(result.status);
      if (result.body === undefined) res.end();
      else if (result.contentType) res.type(result.contentType).send(result.body);
      else res.json(result.body);
    });
    router[op.method](toExpressPath(op.path), ...handlers);
  }

  // Known path, other method: 405 with Allow; unknown path: 404.
  const byPath = new Map<string, string[]>();
  for (const op of def.operations)
    byPath.set(toExpressPath(op.path), [...(byPath.get(toExpressPath(op.path)) ?? []), op.method]);
  for (const [path, methods] of byPath) {
    router.all(path, (_req, res) => {
      res.setHeader('allow', methods.map((m) => m.toUpperCase()).join(', '));
      throw new HttpError(405, 'The method is not allowed on this resource');
    });
  }
  router.use(() => {
    throw new HttpError(404, 'No such resource');
  });
  return { router, document };
}

/** A validator for one component schema (for JSON carried inside another field, e.g. a form field). */
export function componentValidator(
  schemas: Record<string, JsonSchema>,
  name: string,
): (value: unknown, where: string) => void {
  const id = `urn:apim:components:${name}`;
  const validate = documentValidators({ components: { schemas } }, id).at(
    `/components/schemas/${encodeURIComponent(name)}`,
  );
  return (value, where) => {
    if (!validate(value)) throw new HttpError(400, describeErrors(where, validate.errors));
  };
}
