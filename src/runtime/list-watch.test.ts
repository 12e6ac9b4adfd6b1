import { ApiException, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { ResourceClient, type KubeRequest } from './kube-client.js';
import { continueTokenOf, kubeListWatch } from './list-watch.js';
import { GoneError } from './reflector.js';
import { EXAMPLE_TUNNEL } from './testing/resource-types.js';

/** An API server's list answers as JSON (`metadata.continue`), `perPage` items a page, over `total` objects. */
function pagingServer(total: number, perPage: number) {
  const requests: KubeRequest[] = [];
  const client = new ResourceClient({
    request: (req) => {
      requests.push(req);
      const from = Number(req.query?.continue ?? 0);
      const items = Array.from({ length: Math.min(perPage, total - from) }, (_, i) => ({
        metadata: { name: `o${from + i}`, namespace: 'ns' },
      }));
      const next = from + perPage < total ? String(from + perPage) : undefined;
      return Promise.resolve({ metadata: { resourceVersion: '42', ...(next ? { continue: next } : {}) }, items });
    },
  });
  return { client, requests };
}

describe('kubeListWatch list', () => {
  it('follows the API server continue token through every page', async () => {
    const { client, requests } = pagingServer(1201, 500);
    const source = kubeListWatch(new KubeConfig(), client, { type: EXAMPLE_TUNNEL });
    const result = await source.list(new AbortController().signal);
    expect(result.items.map((o) => o.metadata?.name)).toEqual(Array.from({ length: 1201 }, (_, i) => `o${i}`));
    expect(result.resourceVersion).toBe('42');
    expect(requests.map((r) => [r.query?.limit, r.query?.continue])).toEqual([
      [500, undefined],
      [500, '500'],
      [500, '1000'],
    ]);
  });

  it('stamps apiVersion and kind on the listed items', async () => {
    const { client } = pagingServer(1, 10);
    const source = kubeListWatch(new KubeConfig(), client, { type: EXAMPLE_TUNNEL, pageSize: 10 });
    const [item] = (await source.list(new AbortController().signal)).items;
    expect(item).toMatchObject({ apiVersion: 'example.io/v1', kind: EXAMPLE_TUNNEL.kind });
  });

  it('an expired continue token (410) starts the list over', async () => {
    const expired = new ApiException(410, 'Gone', { reason: 'Expired' }, {});
    const client = new ResourceClient({ request: () => Promise.reject(expired) });
    const source = kubeListWatch(new KubeConfig(), client, { type: EXAMPLE_TUNNEL });
    await expect(source.list(new AbortController().signal)).rejects.toBeInstanceOf(GoneError);
  });
});

describe('continueTokenOf', () => {
  const list = (metadata: Record<string, string>) => ({ metadata, items: [] as KubernetesObject[] });
  it('reads the wire name, and the typed models name', () => {
    expect(continueTokenOf(list({ continue: 'a' }))).toBe('a');
    expect(continueTokenOf(list({ _continue: 'b' }))).toBe('b');
  });

  it('an empty token is the last page', () => {
    expect(continueTokenOf(list({ continue: '' }))).toBeUndefined();
    expect(continueTokenOf(list({}))).toBeUndefined();
  });
});
