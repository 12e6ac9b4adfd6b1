import type { KubernetesObject } from '@kubernetes/client-node';
import { FIELD_MANAGER, ResourceClient, resourcePath } from '../../runtime/kube-client.js';
import { FakeKube } from '../../runtime/testing/fake-kube.js';
import { applyIfChanged, deleteIfExists, readOptional } from './apply.js';
import { CONFIG_MAP } from './resources.js';

const PATH = resourcePath(CONFIG_MAP, 'shop', 'web');
const configMap = (data: Record<string, string>): KubernetesObject & { data: Record<string, string> } => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web', namespace: 'shop' },
  data,
});

function setup() {
  const kube = new FakeKube();
  return { kube, client: new ResourceClient(kube) };
}

describe('readOptional', () => {
  it('reads an object, or undefined when there is none; other failures are raised', async () => {
    const { kube, client } = setup();
    await expect(readOptional(client, CONFIG_MAP, 'shop', 'web')).resolves.toBeUndefined();
    kube.put(PATH, configMap({ a: '1' }) as unknown as Record<string, unknown>);
    await expect(readOptional(client, CONFIG_MAP, 'shop', 'web')).resolves.toMatchObject({ data: { a: '1' } });
    kube.inject({ match: () => true, code: 403, times: 1 });
    await expect(readOptional(client, CONFIG_MAP, 'shop', 'web')).rejects.toMatchObject({ code: 403 });
  });
});

describe('applyIfChanged', () => {
  it('creates with a forced server-side apply by our field manager', async () => {
    const { kube, client } = setup();
    const applied = await applyIfChanged(client, CONFIG_MAP, configMap({ a: '1' }), undefined);
    expect(applied.outcome).toBe('created');
    expect(applied.object).toMatchObject({ data: { a: '1' } });
    expect(kube.requests).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        path: PATH,
        query: { fieldManager: FIELD_MANAGER, force: true },
        contentType: 'application/apply-patch+yaml',
      }),
    ]);
  });

  it('writes nothing when the live object holds it already, and updates when it differs', async () => {
    const { kube, client } = setup();
    const live = (await applyIfChanged(client, CONFIG_MAP, configMap({ a: '1' }), undefined)).object;
    kube.requests.length = 0;
    const same = await applyIfChanged(client, CONFIG_MAP, configMap({ a: '1' }), live);
    expect(same).toEqual({ outcome: 'unchanged', object: live });
    expect(kube.requests).toEqual([]);
    const changed = await applyIfChanged(client, CONFIG_MAP, configMap({ a: '2' }), live);
    expect(changed.outcome).toBe('updated');
    expect(kube.get(PATH)).toMatchObject({ data: { a: '2' } });
  });
});

describe('deleteIfExists', () => {
  it('deletes in the background and says whether there was something to delete', async () => {
    const { kube, client } = setup();
    kube.put(PATH, configMap({}) as unknown as Record<string, unknown>);
    await expect(deleteIfExists(client, CONFIG_MAP, 'shop', 'web')).resolves.toBe(true);
    expect(kube.requests).toEqual([
      expect.objectContaining({ method: 'DELETE', path: PATH, body: { propagationPolicy: 'Background' } }),
    ]);
    await expect(deleteIfExists(client, CONFIG_MAP, 'shop', 'web')).resolves.toBe(false);
  });

  it('raises any other failure', async () => {
    const { kube, client } = setup();
    kube.put(PATH, configMap({}) as unknown as Record<string, unknown>);
    kube.inject({ match: () => true, code: 409, times: 1 });
    await expect(deleteIfExists(client, CONFIG_MAP, 'shop', 'web')).rejects.toMatchObject({ code: 409 });
  });
});
