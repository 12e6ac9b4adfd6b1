// Every configuration the renderer produces must satisfy the real cloudflared: `ingress validate` accepts
// it without warnings, and `ingress rule` sends each URL to the rule we meant.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findCloudflared, matchIngressRule, validateIngress } from '../../e2e/cluster/cloudflared.js';
import type { TunnelSpec } from '../../src/api/types.js';
import { cloudflaredConfig } from '../../src/render/cloudflared-config.js';
import { TUNNEL_ID, route, sampleSpec } from '../../src/render/testing/fixtures.js';
import type { Route } from '../../src/render/routes.js';

/** cloudflared takes a fraction of a second per call; leave room for a loaded machine. */
const TIMEOUT = 60_000;

let dir = '';
let files = 0;

beforeAll(async () => {
  await findCloudflared();
  dir = await mkdtemp(join(tmpdir(), 'cloudflared-config-'));
}, TIMEOUT);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function writeConfig(routes: Route[], spec: TunnelSpec): Promise<{ path: string; text: string }> {
  const text = cloudflaredConfig(TUNNEL_ID, routes, spec);
  const path = join(dir, `config-${files++}.yaml`);
  await writeFile(path, text);
  return { path, text };
}

const many = Array.from({ length: 250 }, (_, i) => route(`svc-${i}.example.com`));

const validationCases: [string, Route[], TunnelSpec][] = [
  ['no routes', [], sampleSpec()],
  ['one route', [route('shop.example.com')], sampleSpec()],
  ['250 routes', many, sampleSpec()],
  [
    'a wildcard and specific hostnames',
    [route('*.example.com'), route('a.example.com'), route('*.api.example.com')],
    sampleSpec(),
  ],
  [
    'paths on one hostname',
    [
      route('shop.example.com', { path: '^/api/.*$' }),
      route('shop.example.com', { path: '\\.(jpg|png)$' }),
      route('shop.example.com'),
    ],
    sampleSpec(),
  ],
  [
    'tcp, ssh, rdp, smb, https and unix services',
    [
      route('db.example.com', { service: 'tcp://postgres.shop.svc.cluster.local:5432' }),
      route('ssh.example.com', { service: 'ssh://bastion.shop.svc.cluster.local:22' }),
      route('rdp.example.com', { service: 'rdp://desktop.shop.svc.cluster.local:3389' }),
      route('smb.example.com', { service: 'smb://files.shop.svc.cluster.local:445' }),
      route('secure.example.com', { service: 'https://secure.shop.svc.cluster.local:8443' }),
      route('sock.example.com', { service: 'unix:/run/app.sock' }),
    ],
    sampleSpec(),
  ],
  [
    'per-route originRequest over every default',
    [
      route('a.example.com', {
        originRequest: { noTLSVerify: true, connectTimeout: '5s', httpHostHeader: 'a.internal' },
      }),
      route('b.example.com', { originRequest: { http2Origin: true, originServerName: 'b.internal' } }),
      route('c.example.com'),
    ],
    sampleSpec({
      originRequest: {
        noTLSVerify: false,
        originServerName: 'origin.internal',
        caPoolSecretRef: { name: 'origin-ca' },
        connectTimeout: '30s',
        tlsTimeout: '10s',
        tcpKeepAlive: '30s',
        keepAliveTimeout: '1m30s',
        keepAliveConnections: 100,
        http2Origin: false,
        httpHostHeader: 'origin.internal',
        disableChunkedEncoding: true,
        noHappyEyeballs: true,
      },
    }),
  ],
  ['fallback: another status', [route('a.example.com')], sampleSpec({ fallbackService: 'http_status:503' })],
  ['fallback: an https service', [], sampleSpec({ fallbackService: 'https://maintenance.shop.svc:8443' })],
  ['fallback: a tcp service', [], sampleSpec({ fallbackService: 'tcp://10.0.0.1:8080' })],
  ['fallback: a unix socket', [], sampleSpec({ fallbackService: 'unix:/run/maintenance.sock' })],
];

describe('cloudflared tunnel ingress validate', () => {
  it.each(validationCases)(
    'accepts the config for %s, without warnings',
    async (_name, routes, spec) => {
      const { path } = await writeConfig(routes, spec);
      const result = await validateIngress(path);
      expect(result.output).not.toMatch(/warning|unused keys|error/i);
      expect(result.ok).toBe(true);
      expect(result.output).toMatch(/\bOK\b/);
    },
    TIMEOUT,
  );

  it(
    'is a real check: it refuses a config whose last rule is not a catch-all',
    async () => {
      const path = join(dir, 'broken.yaml');
      await writeFile(path, 'ingress:\n  - hostname: a.example.com\n    service: http://a:80\n');
      expect((await validateIngress(path)).ok).toBe(false);
    },
    TIMEOUT,
  );
});

interface Rule {
  hostname?: string;
  path?: string;
  service: string;
}

/** Asks cloudflared which rule a URL matches and returns that rule from the rendered config. */
async function matchedRule(config: { path: string; text: string }, url: string): Promise<Rule | undefined> {
  const result = await matchIngressRule(config.path, url);
  expect(result.ok).toBe(true);
  const index = /Matched rule #(\d+)/.exec(result.output)?.[1];
  if (index === undefined) throw new Error(`no rule matched ${url}: ${result.output}`);
  return (parse(config.text) as { ingress: Rule[] }).ingress[Number(index)];
}

describe('cloudflared tunnel ingress rule', () => {
  const routes = [
    route('*.example.com', { service: 'http://wildcard.shop.svc:80' }),
    route('*.api.example.com', { service: 'http://api-wildcard.shop.svc:80' }),
    route('shop.example.com', { service: 'http://shop.shop.svc:80' }),
    route('shop.example.com', { path: '^/api/', service: 'http://shop-api.shop.svc:80' }),
    route('v1.api.example.com', { service: 'http://v1.shop.svc:80' }),
  ];
  let config: { path: string; text: string };

  beforeAll(async () => {
    // Shuffled on purpose: the renderer, not the caller, is responsible for the order.
    config = await writeConfig([routes[3]!, routes[0]!, routes[4]!, routes[1]!, routes[2]!], sampleSpec());
  }, TIMEOUT);

  it.each([
    ['a specific hostname wins over the wildcard', 'https://shop.example.com/', 'http://shop.shop.svc:80'],
    ['a path rule wins over its hostname', 'https://shop.example.com/api/orders', 'http://shop-api.shop.svc:80'],
    ['other paths go to the path-less rule', 'https://shop.example.com/cart', 'http://shop.shop.svc:80'],
    ['the wildcard takes other names of the zone', 'https://blog.example.com/', 'http://wildcard.shop.svc:80'],
    ['a deeper wildcard wins over a shallower one', 'https://v2.api.example.com/', 'http://api-wildcard.shop.svc:80'],
    ['a specific name wins over a deeper wildcard', 'https://v1.api.example.com/', 'http://v1.shop.svc:80'],
    ['unknown hosts get the fallback', 'https://other.example.org/', 'http_status:404'],
  ])(
    '%s',
    async (_name, url, service) => {
      expect((await matchedRule(config, url))?.service).toBe(service);
    },
    TIMEOUT,
  );
});
