import { describe, expect, it } from 'vitest';
import type { GatewayApi, GatewayOperation, HttpVerb } from '@apim/contracts';
import { DeploymentError } from '../pipeline/deployment-error.js';
import { Router } from './router.js';

const op = (verb: HttpVerb, target: string): GatewayOperation => ({
  verb,
  target,
  authEnabled: false,
  scopes: [],
  throttlingPolicy: null,
  operationPolicies: null,
  rule: { access: { strategy: 'noAuth' } },
});

/** The parts of an API the router reads. */
function api(name: string, operations: GatewayOperation[], hosts?: string[]): { api: GatewayApi } {
  return {
    api: { name, context: `/${name}`, version: '1.0.0', vhost: 'localhost', operations, hosts } as GatewayApi,
  };
}

const split = (path: string) => path.split('/').filter((s) => s !== '');

function routerWith(...apis: Array<{ api: GatewayApi }>): Router<{ api: GatewayApi }> {
  const r = new Router<{ api: GatewayApi }>();
  apis.forEach((a, i) => r.deploy(`api-${i}`, a));
  return r;
}

/** which operation (by target) answers, or how the request is refused */
function answer(r: Router<{ api: GatewayApi }>, method: string, path: string, host = 'shop.example.com') {
  const m = r.match(host, method, split(path));
  if (m.kind === 'found') return `${m.route.api.api.name} ${m.operation.verb} ${m.operation.target}`;
  if (m.kind === 'method-not-allowed') return `405 ${[...m.route.operations.keys()].join(',')}`;
  return '404';
}

describe('Kyma rule paths', () => {
  const r = routerWith(
    api(
      'shop',
      [
        op('GET', '/headers'),
        op('GET', '/items/{*}'),
        op('GET', '/files/{**}'),
        op('POST', '/orders/{id}/lines/{line}'),
        op('GET', '/a/{*}/c'),
      ],
      ['shop.example.com'],
    ),
  );

  it('matches literal segments exactly, ignoring a trailing slash', () => {
    expect(answer(r, 'GET', '/headers')).toBe('shop GET /headers');
    expect(answer(r, 'GET', '/headers/')).toBe('shop GET /headers');
    expect(answer(r, 'GET', '/headers/x')).toBe('404');
    expect(answer(r, 'GET', '/Headers')).toBe('404');
  });

  it('{*} is exactly one segment, also in the middle', () => {
    expect(answer(r, 'GET', '/items/42')).toBe('shop GET /items/{*}');
    expect(answer(r, 'GET', '/items')).toBe('404');
    expect(answer(r, 'GET', '/items/42/more')).toBe('404');
    expect(answer(r, 'GET', '/a/b/c')).toBe('shop GET /a/{*}/c');
    expect(answer(r, 'GET', '/a/b/d')).toBe('404');
  });

  it('{**} is zero or more segments', () => {
    expect(answer(r, 'GET', '/files')).toBe('shop GET /files/{**}');
    expect(answer(r, 'GET', '/files/a')).toBe('shop GET /files/{**}');
    expect(answer(r, 'GET', '/files/a/b/c.txt')).toBe('shop GET /files/{**}');
  });

  it('{name} is one segment whose value is kept', () => {
    const m = r.match('shop.example.com', 'POST', split('/orders/7/lines/3'));
    expect(m.kind === 'found' && m.params).toEqual({ id: '7', line: '3' });
  });

  it('/* matches everything, the root included', () => {
    const all = routerWith(api('all', [op('GET', '/*')], ['all.example.com']));
    expect(answer(all, 'GET', '/', 'all.example.com')).toBe('all GET /*');
    expect(answer(all, 'GET', '/x/y/z', 'all.example.com')).toBe('all GET /*');
  });

  it('refuses the deployment of a path Kyma refuses, naming it', () => {
    const deploy = (target: string) => routerWith(api('bad', [op('GET', target)], ['bad.example.com']));
    expect(() => deploy('/a/{**}/b')).toThrow(DeploymentError);
    expect(() => deploy('/a/*/b')).toThrow(/\/a\/\*\/b: \* may only be the last segment/);
    expect(() => deploy('/a/x{*}')).toThrow(/segment "x\{\*\}"/);
  });
});

describe('order, methods and hosts', () => {
  it('the earlier rule wins, whatever the specificity', () => {
    const r = routerWith(api('first', [op('GET', '/{**}'), op('GET', '/headers')], ['shop.example.com']));
    expect(answer(r, 'GET', '/headers')).toBe('first GET /{**}');
    const reversed = routerWith(
      api('second', [op('GET', '/headers'), op('GET', '/{**}')], ['shop.example.com']),
    );
    expect(answer(reversed, 'GET', '/headers')).toBe('second GET /headers');
  });

  it('a rule whose method does not match lets a later one answer; no method at all is 405', () => {
    const r = routerWith(
      api(
        'shop',
        [op('POST', '/items/{*}'), op('GET', '/{**}'), op('DELETE', '/items/{*}')],
        ['shop.example.com'],
      ),
    );
    expect(answer(r, 'GET', '/items/1')).toBe('shop GET /{**}');
    expect(answer(r, 'HEAD', '/items/1')).toBe('shop GET /{**}');
    expect(answer(r, 'DELETE', '/items/1')).toBe('shop DELETE /items/{*}');
    expect(answer(r, 'PUT', '/items/1')).toBe('405 POST,GET,DELETE');
    expect(answer(r, 'PUT', '/other')).toBe('405 GET');
  });

  it("a rule sharing a method with an earlier one serves none of the earlier rule's paths (Kyma)", () => {
    // Kyma's own example: jwt POST on /anything/{*}/one, then noAuth GET and POST on /anything/{**}
    const r = routerWith(
      api(
        'kyma',
        [op('POST', '/anything/{*}/one'), op('GET', '/anything/{**}'), op('POST', '/anything/{**}')],
        ['shop.example.com'],
      ),
    );
    expect(answer(r, 'POST', '/anything/more/one')).toBe('kyma POST /anything/{*}/one');
    expect(answer(r, 'GET', '/anything/more/one')).toBe('405 POST');
    expect(answer(r, 'GET', '/anything/more')).toBe('kyma GET /anything/{**}');
    expect(answer(r, 'POST', '/anything/more')).toBe('kyma POST /anything/{**}');
    // a later rule with no method in common still serves the earlier rule's paths
    const disjoint = routerWith(
      api('apart', [op('POST', '/anything/{*}/one'), op('GET', '/anything/{**}')], ['shop.example.com']),
    );
    expect(answer(disjoint, 'GET', '/anything/more/one')).toBe('apart GET /anything/{**}');
  });

  it('answers only on its hosts (any case), at the root path; other hosts route by context', () => {
    const r = routerWith(
      api('exposed', [op('GET', '/headers')], ['Shop.Example.COM', 'shop.internal']),
      api('context', [{ ...op('GET', '/*'), rule: null }]),
    );
    expect(answer(r, 'GET', '/headers')).toBe('exposed GET /headers');
    expect(answer(r, 'GET', '/headers', 'shop.internal')).toBe('exposed GET /headers');
    expect(answer(r, 'GET', '/headers', 'other.example.com')).toBe('404');
    expect(answer(r, 'GET', '/exposed/1.0.0/headers', 'other.example.com')).toBe('404');
    expect(answer(r, 'GET', '/context/1.0.0/x', 'other.example.com')).toBe('context GET /*');
    // a host of exposed APIs is theirs: context routes do not answer there
    expect(answer(r, 'GET', '/context/1.0.0/x')).toBe('404');
  });

  it('tries the APIs of a host one after another, each in its order, and forgets a removed one', () => {
    const r = routerWith(
      api('orders', [op('GET', '/orders/{**}')], ['shop.example.com']),
      api('items', [op('GET', '/items/{*}'), op('POST', '/orders/{*}')], ['shop.example.com']),
    );
    expect(answer(r, 'GET', '/orders/1')).toBe('orders GET /orders/{**}');
    expect(answer(r, 'POST', '/orders/1')).toBe('items POST /orders/{*}');
    expect(answer(r, 'GET', '/items/1')).toBe('items GET /items/{*}');
    r.remove('api-1');
    expect(answer(r, 'GET', '/items/1')).toBe('404');
    expect(answer(r, 'GET', '/orders/1')).toBe('orders GET /orders/{**}');
    r.remove('api-0');
    expect(answer(r, 'GET', '/orders/1')).toBe('404');
    expect(r.size).toBe(0);
  });

  it('a redeployed API replaces its rules, also when it moves from context to hosts', () => {
    const r = routerWith(api('moving', [op('GET', '/*')]));
    expect(answer(r, 'GET', '/moving/1.0.0/x', 'any.example.com')).toBe('moving GET /*');
    r.deploy('api-0', api('moving', [op('GET', '/x')], ['shop.example.com']));
    expect(answer(r, 'GET', '/moving/1.0.0/x', 'any.example.com')).toBe('404');
    expect(answer(r, 'GET', '/x')).toBe('moving GET /x');
    expect(r.size).toBe(1);
  });
});
