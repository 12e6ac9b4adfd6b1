import type { KubernetesObject } from '@kubernetes/client-node';
import { addFinalizer, finalizerPatch, hasFinalizer, removeFinalizer } from './finalizers.js';
import { ResourceClient, resourcePath } from './kube-client.js';
import { FakeKube } from './testing/fake-kube.js';
import { ConflictRetriesExhaustedError } from './write-retry.js';
import { EXAMPLE_TUNNEL as TUNNEL } from './testing/resource-types.js';

const FINALIZER = 'example.io/cleanup';
const PATH = resourcePath(TUNNEL, 'ns', 't');

function setup(finalizers?: string[], extra: Record<string, unknown> = {}) {
  const kube = new FakeKube();
  const object = kube.put(PATH, {
    apiVersion: 'example.io/v1',
    kind: 'Tunnel',
    metadata: { name: 't', namespace: 'ns', ...(finalizers ? { finalizers } : {}), ...extra },
  }) as KubernetesObject;
  return { kube, client: new ResourceClient(kube), object };
}

const stored = (kube: FakeKube): KubernetesObject => kube.get(PATH) as KubernetesObject;

describe('finalizerPatch', () => {
  const base = { metadata: { name: 't', resourceVersion: '7' } };
  it.each([
    [
      'add to none',
      base,
      'add',
      [
        { op: 'test', path: '/metadata/resourceVersion', value: '7' },
        { op: 'add', path: '/metadata/finalizers', value: [FINALIZER] },
      ],
    ],
    [
      'add to others',
      { metadata: { ...base.metadata, finalizers: ['x'] } },
      'add',
      [
        { op: 'test', path: '/metadata/finalizers', value: ['x'] },
        { op: 'add', path: '/metadata/finalizers/-', value: FINALIZER },
      ],
    ],
    ['add when present', { metadata: { ...base.metadata, finalizers: [FINALIZER] } }, 'add', null],
    ['add while deleting', { metadata: { ...base.metadata, deletionTimestamp: new Date() } }, 'add', null],
    [
      'remove',
      { metadata: { ...base.metadata, finalizers: ['x', FINALIZER] } },
      'remove',
      [
        { op: 'test', path: '/metadata/finalizers', value: ['x', FINALIZER] },
        { op: 'replace', path: '/metadata/finalizers', value: ['x'] },
      ],
    ],
    ['remove when absent', { metadata: { ...base.metadata, finalizers: ['x'] } }, 'remove', null],
  ] as const)('%s', (_name, object, action, expected) => {
    expect(finalizerPatch(object as KubernetesObject, FINALIZER, action)).toEqual(expected);
  });
});

describe('addFinalizer / removeFinalizer', () => {
  it('adds once, then reports no change', async () => {
    const { kube, client, object } = setup();
    const first = await addFinalizer(client, TUNNEL, object, FINALIZER);
    expect(first.changed).toBe(true);
    expect(hasFinalizer(stored(kube), FINALIZER)).toBe(true);
    const second = await addFinalizer(client, TUNNEL, first.object!, FINALIZER);
    expect(second.changed).toBe(false);
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('keeps finalizers added concurrently by others (conflict → re-read → retry)', async () => {
    const { kube, client, object } = setup(['other/one']);
    let raced = false;
    kube.beforePatch = (path) => {
      if (raced) return;
      raced = true;
      const current = kube.get(path)!;
      (current.metadata as { finalizers: string[] }).finalizers.push('other/two');
      kube.put(path, current);
    };
    const result = await addFinalizer(client, TUNNEL, object, FINALIZER);
    expect(result.changed).toBe(true);
    expect(stored(kube).metadata?.finalizers).toEqual(['other/one', 'other/two', FINALIZER]);
    expect(kube.requests.map((r) => r.method)).toEqual(['PATCH', 'GET', 'PATCH']);
  });

  it('removes only its own finalizer, re-reading on conflict', async () => {
    const { kube, client, object } = setup(['a', FINALIZER]);
    kube.inject({ match: (r) => r.method === 'PATCH', code: 409, times: 1 });
    const result = await removeFinalizer(client, TUNNEL, object, FINALIZER);
    expect(result.changed).toBe(true);
    expect(stored(kube).metadata?.finalizers).toEqual(['a']);
  });

  it('treats an object that is already gone as done when removing', async () => {
    const { kube, client, object } = setup([FINALIZER]);
    kube.objects.delete(PATH);
    await expect(removeFinalizer(client, TUNNEL, object, FINALIZER)).resolves.toEqual({
      changed: false,
      object: undefined,
    });
  });

  it('surfaces other failures instead of swallowing them', async () => {
    const { kube, client, object } = setup();
    kube.inject({ match: () => true, code: 403, times: 1 });
    await expect(addFinalizer(client, TUNNEL, object, FINALIZER)).rejects.toMatchObject({ code: 403 });
  });

  it('gives up after bounded conflicts, keeping the cause', async () => {
    const { kube, client, object } = setup();
    kube.inject({ match: (r) => r.method === 'PATCH', code: 409, times: 100 });
    const err: unknown = await addFinalizer(client, TUNNEL, object, FINALIZER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictRetriesExhaustedError);
    expect((err as Error).cause).toMatchObject({ code: 409 });
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toHaveLength(5);
  });
});
