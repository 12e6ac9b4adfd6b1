// The CRD files: they parse, the two kinds share one schema, the defaults agree with withDefaults(), the
// patterns and CEL rules are the ones the TypeScript code uses, and every string CEL reads is bounded.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { withDefaults } from '../../src/api/defaults.js';
import { originRequestOptionsSchema } from '../../src/api/origin-request.js';
import * as patterns from '../../src/api/patterns.js';
import type { TunnelSpec } from '../../src/api/types.js';

interface Schema {
  type?: string;
  default?: unknown;
  pattern?: string;
  maxLength?: number;
  maxItems?: number;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
  [key: string]: unknown;
}

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: Record<string, unknown>;
      additionalPrinterColumns: { name: string; type: string; jsonPath: string; priority?: number }[];
      schema: { openAPIV3Schema: Schema };
    }[];
  };
}

const load = (file: string): Crd => parse(readFileSync(new URL(`../../crds/${file}`, import.meta.url), 'utf8')) as Crd;
const tunnels = load('tunnels.cloudflare-operator.io.yaml');
const clusterTunnels = load('clustertunnels.cloudflare-operator.io.yaml');
const version = tunnels.spec.versions[0]!;
const root = version.schema.openAPIV3Schema;
const spec = root.properties!.spec!;

/** Every schema node with its path, depth first. */
function walk(node: Schema, path = ''): [string, Schema][] {
  const out: [string, Schema][] = [[path, node]];
  for (const [key, child] of Object.entries(node.properties ?? {})) out.push(...walk(child, `${path}.${key}`));
  if (node.items) out.push(...walk(node.items, `${path}[]`));
  if (node.additionalProperties) out.push(...walk(node.additionalProperties, `${path}{}`));
  return out;
}

/** Structural defaulting as the API server does it: a default fills a missing field, then its children default. */
function applyDefaults(node: Schema, value: unknown): unknown {
  const filled = value === undefined ? structuredClone(node.default) : value;
  if (filled === undefined || typeof filled !== 'object' || filled === null || !node.properties) return filled;
  const out: Record<string, unknown> = { ...(filled as Record<string, unknown>) };
  for (const [key, child] of Object.entries(node.properties)) {
    const inner = applyDefaults(child, out[key]);
    if (inner !== undefined) out[key] = inner;
  }
  return out;
}

describe('CRD files', () => {
  it.each([
    ['Tunnel', tunnels, 'tunnels', 'Namespaced', ['cft']],
    ['ClusterTunnel', clusterTunnels, 'clustertunnels', 'Cluster', ['cfct']],
  ])('%s: names, scope, version, status subresource', (kind, crd, plural, scope, shortNames) => {
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.metadata.name).toBe(`${plural}.cloudflare-operator.io`);
    expect(crd.spec.group).toBe('cloudflare-operator.io');
    expect(crd.spec.scope).toBe(scope);
    expect(crd.spec.names).toEqual({
      kind,
      listKind: `${kind}List`,
      plural,
      singular: kind.toLowerCase(),
      shortNames,
      categories: ['cloudflare'],
    });
    expect(crd.spec.versions).toHaveLength(1);
    expect(crd.spec.versions[0]).toMatchObject({
      name: 'v1alpha1',
      served: true,
      storage: true,
      subresources: { status: {} },
    });
  });

  it('the two kinds share one schema and one set of printer columns', () => {
    const other = clusterTunnels.spec.versions[0]!;
    expect(other.schema).toEqual(version.schema);
    expect(other.additionalPrinterColumns).toEqual(version.additionalPrinterColumns);
  });

  it('prints ready replicas, routes, connectors, Ready and age; -o wide adds wanted replicas, mode and tunnel ID', () => {
    const columns = version.additionalPrinterColumns;
    expect(columns.filter((c) => !c.priority).map((c) => [c.name, c.jsonPath])).toEqual([
      ['Ready Replicas', '.status.readyReplicas'],
      ['Routes', '.status.routeCount'],
      ['Connectors', '.status.connectors.count'],
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
    expect(columns.filter((c) => c.priority === 1).map((c) => [c.name, c.jsonPath])).toEqual([
      ['Replicas', '.spec.cloudflared.replicas'],
      ['Mode', '.status.configSource'],
      ['Tunnel ID', '.status.tunnelId'],
    ]);
  });
});

describe('CRD defaults', () => {
  it.each<[string, TunnelSpec]>([
    ['a minimal spec', { cloudflare: { accountId: 'a'.repeat(32), credentialsSecretRef: { name: 'cf' } } }],
    [
      'a spec with partial sections',
      {
        cloudflare: { accountName: 'Shop', credentialsSecretRef: { name: 'cf', apiKeyKey: 'k', emailKey: 'e' } },
        tunnel: { adopt: { id: 'x' } },
        cloudflared: { replicas: 0, protocol: 'http2' },
        originRequest: { caPoolSecretRef: { name: 'ca' } },
        dns: {},
      },
    ],
  ])('match withDefaults() for %s', (_name, input) => {
    // configSource is the one default computed in code only (it depends on spec.tunnel): see below.
    const { configSource: _computed, ...expected } = withDefaults(input);
    expect(applyDefaults(spec, structuredClone(input))).toEqual(expected);
  });

  it('leave configSource unset for withDefaults() to choose from spec.tunnel, and keep its enum', () => {
    const configSource = spec.properties?.configSource;
    expect(configSource).toMatchObject({ type: 'string', enum: ['local', 'cloudflare'] });
    expect(configSource?.default).toBeUndefined();
  });
});

describe('CRD validation', () => {
  const nodes = walk(spec, 'spec');
  const byPath = new Map(nodes);

  it.each([
    ['spec.cloudflare.accountId', patterns.ACCOUNT_ID_PATTERN],
    ['spec.cloudflare.credentialsSecretRef.name', patterns.OBJECT_NAME_PATTERN],
    ['spec.cloudflare.credentialsSecretRef.apiTokenKey', patterns.SECRET_KEY_PATTERN],
    ['spec.cloudflare.zones[]', patterns.ZONE_NAME_PATTERN],
    ['spec.tunnel.create.name', patterns.TUNNEL_NAME_PATTERN],
    ['spec.cloudflared.priorityClassName', patterns.OBJECT_NAME_PATTERN],
    ['spec.originRequest.connectTimeout', patterns.DURATION_PATTERN],
    ['spec.originRequest.caPoolSecretRef.key', patterns.SECRET_KEY_PATTERN],
  ])('%s has the shared pattern', (path, pattern) => {
    expect(byPath.get(path)?.pattern).toBe(pattern);
  });

  it('lists exactly the documented CEL rules', () => {
    const rules = nodes.flatMap(([path, node]) =>
      (node['x-kubernetes-validations'] ?? []).map((v) => `${path}: ${v.rule}`),
    );
    const rootRules = (root['x-kubernetes-validations'] ?? []).map((v) => `<root>: ${v.rule}`);
    expect([...rootRules, ...rules]).toEqual([
      '<root>: size(self.metadata.name) <= 63',
      'spec.cloudflare: has(self.accountId) != has(self.accountName)',
      'spec.cloudflare: has(self.accountId) == has(oldSelf.accountId)',
      'spec.cloudflare.accountId: self == oldSelf',
      'spec.cloudflare.accountName: self == oldSelf',
      'spec.cloudflare.credentialsSecretRef: has(self.apiKeyKey) == has(self.emailKey)',
      'spec.tunnel: has(self.create) != has(self.adopt)',
      'spec.tunnel: has(self.create) == has(oldSelf.create)',
      'spec.tunnel.create: self == oldSelf',
      'spec.tunnel.adopt: self == oldSelf',
      `spec.tunnel.adopt.id: self.matches(r'${patterns.UUID_PATTERN}')`,
      `spec.cloudflared.image: self.matches(r'${patterns.IMAGE_PATTERN}')`,
      `spec.fallbackService: self.matches(r'${patterns.FALLBACK_SERVICE_PATTERN}')`,
    ]);
  });

  it('makes what identifies the tunnel immutable, telling to delete and recreate the object', () => {
    // The account, create vs adopt, the created tunnel's name and the adopted ID (issue: an edited accountId made a
    // second tunnel and lost the first). Each node with a transition rule (oldSelf) saying what to do instead.
    const identity = [
      'spec.cloudflare', // accountId ↔ accountName
      'spec.cloudflare.accountId',
      'spec.cloudflare.accountName',
      'spec.tunnel', // create ↔ adopt
      'spec.tunnel.create',
      'spec.tunnel.adopt',
    ];
    for (const path of identity) {
      const transitions = (byPath.get(path)?.['x-kubernetes-validations'] ?? []).filter((v) =>
        v.rule.includes('oldSelf'),
      );
      expect([path, transitions.length > 0]).toEqual([path, true]);
      for (const v of transitions)
        expect([path, v.message]).toEqual([path, expect.stringContaining('delete and recreate')]);
    }
  });

  it('bounds every string and list under spec, so that CEL cost stays within budget', () => {
    const unbounded = nodes
      .filter(([path]) => !path.endsWith('{}'))
      .filter(
        ([, node]) =>
          (node.type === 'string' && node.maxLength === undefined && !node.enum) ||
          (node.type === 'array' && node.maxItems === undefined),
      )
      .map(([path]) => path);
    expect(unbounded).toEqual([]);
  });

  it('the origin-request annotation accepts exactly the keys of spec.originRequest, except the CA Secret', () => {
    const crdOptions = { ...byPath.get('spec.originRequest')!.properties };
    delete crdOptions.caPoolSecretRef;
    const annotation = originRequestOptionsSchema.properties as Record<string, Schema>;
    expect(Object.keys(annotation).sort()).toEqual(Object.keys(crdOptions).sort());
    for (const [key, node] of Object.entries(annotation)) {
      const crd = crdOptions[key]!;
      expect([key, node.type, node.pattern, node.maxLength]).toEqual([key, crd.type, crd.pattern, crd.maxLength]);
    }
  });
});
