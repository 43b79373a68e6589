import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HTTPIngressPath, Ingress, IngressClass } from '../../api/types/index.ts';
import { isOurIngress } from './ingress-class.ts';
import { RouteTable } from './routes.ts';

const path = (p: string, pathType: HTTPIngressPath['pathType'], service: string): HTTPIngressPath => ({
  path: p,
  pathType,
  backend: { service: { name: service, port: { number: 80 } } },
});

const ingress = (name: string, spec: Ingress['spec'], created = '2026-01-01T00:00:00Z'): Ingress => ({
  metadata: { name, namespace: 'default', creationTimestamp: created },
  spec,
});

const table = new RouteTable([
  ingress('main', {
    rules: [
      {
        host: 'shop.example.com',
        http: {
          paths: [
            path('/', 'Prefix', 'shop-root'),
            path('/api', 'Prefix', 'shop-api'),
            path('/api/v2', 'Prefix', 'shop-api-v2'),
            path('/api/v2', 'Exact', 'shop-api-v2-exact'),
            path('/login', 'Exact', 'shop-login'),
            path('/static/', 'ImplementationSpecific', 'shop-static'),
          ],
        },
      },
      { host: '*.example.com', http: { paths: [path('/', 'Prefix', 'wildcard')] } },
      { http: { paths: [path('/a', 'Prefix', 'svc-a'), path('/b', 'Prefix', 'svc-b')] } },
    ],
  }),
  ingress(
    'fallback',
    { defaultBackend: { service: { name: 'default-svc', port: { name: 'http' } } } },
    '2026-01-02T00:00:00Z',
  ),
]);

describe('ingress route table', () => {
  it.each([
    // host, path -> service
    ['shop.example.com', '/', 'shop-root'],
    ['shop.example.com', '/anything', 'shop-root'],
    ['shop.example.com', '/api', 'shop-api'],
    ['shop.example.com', '/api/', 'shop-api'],
    ['shop.example.com', '/api/users', 'shop-api'],
    ['shop.example.com', '/apix', 'shop-root'], // Prefix is per path element
    ['shop.example.com', '/api/v2', 'shop-api-v2-exact'], // Exact wins a tie
    ['shop.example.com', '/api/v2/items', 'shop-api-v2'], // longest prefix wins
    ['shop.example.com', '/login', 'shop-login'],
    ['shop.example.com', '/login/again', 'shop-root'], // Exact is exact
    ['shop.example.com', '/static', 'shop-static'], // trailing slash of a prefix ignored
    ['shop.example.com', '/static/app.js?v=1', 'shop-static'],
    ['SHOP.example.com:8443', '/api', 'shop-api'], // case and port do not matter
    ['blog.example.com', '/x', 'wildcard'], // a wildcard covers one label
    ['a.b.example.com', '/a', 'svc-a'], // ... not two: falls to the host-less rules
    ['example.com', '/b/c', 'svc-b'],
    ['10.240.7.2', '/a', 'svc-a'],
    ['10.240.7.2', '/c', 'default-svc'], // nothing matches: the default backend
    ['shop.example.com', '//api//users/', 'shop-api'], // empty path elements do not count
    ['shop.example.com', 'api/v2/x', 'shop-api-v2'], // nor does a missing leading slash
    ['shop.example.com', '/api?q=/static', 'shop-api'], // the query is not the path
  ])('%s%s -> %s', (host, p, service) => {
    expect(table.match(host, p)?.backend.service).toBe(service);
  });

  it('gives a path the same backend whether compared as a string or element by element', () => {
    // `//` forces the element-by-element comparison; a plain path takes the string shortcut.
    // (Exact compares the path as sent, `//` included, so the table here has Prefix rules only.)
    const prefixes = new RouteTable([
      ingress('prefixes', {
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                path('/', 'Prefix', 'root'),
                path('/api', 'Prefix', 'api'),
                path('/api/v2/', 'Prefix', 'api-v2'),
                path('/static', 'ImplementationSpecific', 'static'),
              ],
            },
          },
          { host: '*.example.com', http: { paths: [path('/a/b', 'Prefix', 'wild-ab')] } },
          { http: { paths: [path('/a', 'Prefix', 'svc-a'), path('/login', 'Prefix', 'svc-login')] } },
        ],
      }),
    ]);
    const segment = fc.constantFrom('', 'api', 'v2', 'apix', 'static', 'login', 'a', 'b');
    fc.assert(
      fc.property(
        fc.constantFrom('shop.example.com', 'x.example.com', 'other'),
        fc.array(segment),
        (host, segments) => {
          const plain = `/${segments.join('/')}`.replace(/\/{2,}/g, '/');
          expect(prefixes.match(host, `/${plain}`)).toEqual(prefixes.match(host, plain));
        },
      ),
    );
  });

  it('answers the same for a host it has seen before', () => {
    for (let i = 0; i < 3; i++)
      expect(table.match('Shop.Example.com', '/api/x')?.backend.service).toBe('shop-api');
  });

  it('answers nothing without a match and without a default backend', () => {
    const t = new RouteTable([ingress('only', { rules: [{ http: { paths: [path('/a', 'Exact', 'a')] } }] })]);
    expect(t.match('x', '/b')).toBeUndefined();
    expect(t.match('x', '/a')?.via).toBe('rule');
  });

  it('takes the default backend of the oldest Ingress and keeps named ports', () => {
    const m = table.match('nowhere', '/zzz')!;
    expect(m).toMatchObject({ via: 'default', backend: { service: 'default-svc', port: 'http' } });
  });
});

describe('ingress class', () => {
  const flotilla = (isDefault: boolean): IngressClass => ({
    metadata: {
      name: 'flotilla',
      annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {},
    },
    spec: { controller: 'flotilla.io/ingress' },
  });

  it('serves its own class, and class-less Ingresses only while it is the default', () => {
    const named = ingress('n', { ingressClassName: 'flotilla' });
    const other = ingress('o', { ingressClassName: 'nginx' });
    const none = ingress('x', {});
    expect(isOurIngress(named, [])).toBe(true);
    expect(isOurIngress(other, [flotilla(true)])).toBe(false);
    expect(isOurIngress(none, [flotilla(true)])).toBe(true);
    expect(isOurIngress(none, [flotilla(false)])).toBe(false);
  });
});
