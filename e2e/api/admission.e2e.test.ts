// The CRDs' schema and CEL rules on a real API server: every case of the bad-input catalogue is refused
// with its message, the good ones are accepted (updates: created with `before`, then replaced), for Tunnel and
// ClusterTunnel alike.
import { CustomObjectsApi, type ApiException } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { accepted, refusedAtCreate, refusedAtUpdate, type AdmissionCase } from '../../test/render/admission-cases.js';
import {
  API_VERSION,
  CLUSTER_TUNNEL_KIND,
  CLUSTER_TUNNEL_PLURAL,
  GROUP,
  TUNNEL_KIND,
  TUNNEL_PLURAL,
  VERSION,
} from '../../src/api/index.js';
import { adminKubeConfig, createTestNamespace, type TestNamespace } from '../support/cluster.js';
import { installCrds } from '../support/crds.js';

const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);

interface Scope {
  kind: string;
  plural: string;
  namespaced: boolean;
}
const scopes: Scope[] = [
  { kind: TUNNEL_KIND, plural: TUNNEL_PLURAL, namespaced: true },
  { kind: CLUSTER_TUNNEL_KIND, plural: CLUSTER_TUNNEL_PLURAL, namespaced: false },
];

let ns: TestNamespace;
beforeAll(async () => {
  await installCrds();
  ns = await createTestNamespace('admission');
});
afterAll(() => ns.delete());

function uniqueName(base: string): string {
  return `${base}-${randomBytes(3).toString('hex')}`.slice(0, 63);
}

async function create(scope: Scope, name: string, spec: unknown): Promise<unknown> {
  const body = { apiVersion: API_VERSION, kind: scope.kind, metadata: { name }, spec };
  const common = { group: GROUP, version: VERSION, plural: scope.plural, body };
  return scope.namespaced
    ? custom.createNamespacedCustomObject({ ...common, namespace: ns.name })
    : custom.createClusterCustomObject(common);
}

async function read(scope: Scope, name: string): Promise<{ spec: unknown }> {
  const common = { group: GROUP, version: VERSION, plural: scope.plural, name };
  return (await (scope.namespaced
    ? custom.getNamespacedCustomObject({ ...common, namespace: ns.name })
    : custom.getClusterCustomObject(common))) as { spec: unknown };
}

/** A real update: the stored object (with its resourceVersion) with a new spec, as `kubectl apply` would send. */
async function update(scope: Scope, name: string, spec: unknown): Promise<unknown> {
  const common = { group: GROUP, version: VERSION, plural: scope.plural, name };
  const body = { ...(await read(scope, name)), spec };
  return scope.namespaced
    ? custom.replaceNamespacedCustomObject({ ...common, namespace: ns.name, body })
    : custom.replaceClusterCustomObject({ ...common, body });
}

async function refusal(action: Promise<unknown>): Promise<{ code?: number; body: string }> {
  try {
    await action;
  } catch (error) {
    const e = error as ApiException<unknown>;
    return { code: e.code, body: String(e.body) };
  }
  return { code: 201, body: 'accepted' };
}

const nameOf = (c: AdmissionCase): string => uniqueName(c.objectName ?? 'web');

describe.each(scopes)('$kind admission', (scope) => {
  it('has a catalogue of at least 30 bad inputs', () => {
    expect(refusedAtCreate.length + refusedAtUpdate.length).toBeGreaterThanOrEqual(30);
  });

  it.each(refusedAtCreate.map((c) => [c.name, c] as const))('refuses at create: %s', async (_, c) => {
    expect(c.before).toBeUndefined(); // a case with `before` belongs to an update list
    const result = await refusal(create(scope, c.objectName ?? nameOf(c), c.spec));
    expect(result.code).toBe(422);
    expect(result.body).toContain(c.refusedWith);
  });

  it.each(refusedAtUpdate.map((c) => [c.name, c] as const))('refuses at update: %s', async (_, c) => {
    expect(c.before).toBeDefined();
    const name = nameOf(c);
    await create(scope, name, c.before); // accepted: the refusal below is the update's
    const result = await refusal(update(scope, name, c.spec));
    expect(result.code).toBe(422);
    expect(result.body).toContain(c.refusedWith);
  });

  it.each(accepted.map((c) => [c.name, c] as const))('accepts: %s', async (_, c) => {
    const name = nameOf(c);
    if (c.before === undefined) {
      await create(scope, name, c.spec);
    } else {
      await create(scope, name, c.before);
      await update(scope, name, c.spec);
    }
    expect((await read(scope, name)).spec).toMatchObject(c.spec as object);
  });
});
