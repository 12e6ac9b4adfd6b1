import { ResourceClient, resourcePath } from './kube-client.js';
import { setCondition, type Condition } from './conditions.js';
import { jsonEqual, statusPatch, updateStatus, type WithStatus } from './status.js';
import { FakeKube } from './testing/fake-kube.js';
import { EXAMPLE_TUNNEL as TUNNEL } from './testing/resource-types.js';

const PATH = resourcePath(TUNNEL, 'ns', 't');
const NOW = Date.UTC(2026, 0, 1);

interface Status {
  tunnelId?: string;
  conditions?: Condition[];
}
type Tunnel = WithStatus<Status> & { spec: { replicas: number } };

function setup(status?: Status) {
  const kube = new FakeKube();
  const object = kube.put(PATH, {
    apiVersion: 'example.io/v1',
    kind: 'Tunnel',
    metadata: { name: 't', namespace: 'ns', generation: 3 },
    spec: { replicas: 2 },
    ...(status ? { status } : {}),
  }) as unknown as Tunnel;
  return { kube, client: new ResourceClient(kube), object };
}

const compute = (tunnel: Tunnel): Status => ({
  ...tunnel.status,
  tunnelId: 'abc',
  conditions: setCondition(
    tunnel.status?.conditions,
    { type: 'Ready', status: 'True', reason: 'Ok' },
    tunnel.metadata?.generation,
    NOW,
  ).conditions,
});

describe('updateStatus', () => {
  it('first sync writes the status subresource; an idempotent second sync writes nothing', async () => {
    const { kube, client, object } = setup();
    const first = await updateStatus(client, TUNNEL, object, compute);
    expect(first.changed).toBe(true);
    expect(kube.requests.at(-1)).toMatchObject({ method: 'PATCH', path: `${PATH}/status` });
    expect(kube.get(PATH)?.status).toMatchObject({ tunnelId: 'abc', conditions: [{ observedGeneration: 3 }] });
    const second = await updateStatus(client, TUNNEL, first.object!, compute);
    expect(second.changed).toBe(false);
    expect(kube.requests).toHaveLength(1);
  });

  it('recomputes from a fresh read when the object changed meanwhile', async () => {
    const { kube, client, object } = setup();
    let raced = false;
    kube.beforePatch = (path) => {
      if (raced) return;
      raced = true;
      const current = kube.get(path)!;
      current.status = { tunnelId: 'abc', note: 'written by someone else' };
      kube.put(path, current);
    };
    const seen: (string | undefined)[] = [];
    const result = await updateStatus(client, TUNNEL, object, (t) => {
      seen.push(t.metadata?.resourceVersion);
      return compute(t);
    });
    expect(result.changed).toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toEqual(seen[1]);
    expect(kube.get(PATH)?.status).toMatchObject({ note: 'written by someone else', tunnelId: 'abc' });
  });

  it('starts no write once its signal is aborted, not even the retry after a conflict', async () => {
    const { kube, client, object } = setup();
    const reconcile = new AbortController();
    kube.beforePatch = (path) => {
      // Leadership is lost while the first patch is in flight, and someone else changed the object meanwhile.
      reconcile.abort(new Error('leadership lost'));
      const current = kube.get(path)!;
      current.status = { note: 'written by someone else' };
      kube.put(path, current);
    };
    await expect(updateStatus(client, TUNNEL, object, compute, reconcile.signal)).rejects.toThrow('leadership lost');
    expect(kube.requests.map((r) => r.method)).toEqual(['PATCH']); // no re-read, no second patch
    await expect(updateStatus(client, TUNNEL, object, compute, reconcile.signal)).rejects.toThrow('leadership lost');
    expect(kube.requests).toHaveLength(1);
  });

  it('passes its signal to the requests it sends', async () => {
    const { kube, object } = setup();
    const signals: (AbortSignal | undefined)[] = [];
    const client = new ResourceClient({ request: (req) => (signals.push(req.signal), kube.request(req)) });
    const reconcile = new AbortController();
    await updateStatus(client, TUNNEL, object, compute, reconcile.signal);
    expect(signals).toEqual([reconcile.signal]);
  });

  it('never edits the object it was given', async () => {
    const { client, object } = setup({ tunnelId: 'old' });
    const before = structuredClone(object);
    await updateStatus(client, TUNNEL, object, (t) => {
      t.status!.tunnelId = 'mutated-copy';
      return compute(t);
    });
    expect(object).toEqual(before);
  });

  it('surfaces failures', async () => {
    const { kube, client, object } = setup();
    kube.inject({ match: () => true, code: 500, times: 1 });
    await expect(updateStatus(client, TUNNEL, object, compute)).rejects.toMatchObject({ code: 500 });
  });
});

describe('statusPatch / jsonEqual', () => {
  it('ignores undefined fields and compares dates as the server stores them', () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ t: new Date(NOW) }, { t: new Date(NOW).toISOString() })).toBe(true);
    expect(jsonEqual(undefined, {})).toBe(false);
  });

  it('adds /status when there is none, replaces it otherwise, guarded by resourceVersion', () => {
    const meta = { metadata: { name: 't', resourceVersion: '5' } };
    expect(statusPatch<Status>(meta, { tunnelId: 'x' })).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '5' },
      { op: 'add', path: '/status', value: { tunnelId: 'x' } },
    ]);
    expect(statusPatch<Status>({ ...meta, status: {} }, { tunnelId: 'x' })?.[1]?.op).toBe('replace');
    expect(statusPatch<Status>({ ...meta, status: { tunnelId: 'x' } }, { tunnelId: 'x' })).toBeNull();
  });
});
