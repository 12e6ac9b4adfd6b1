import type { KubernetesObject } from '@kubernetes/client-node';
import { CREDENTIALS_FINALIZER, FINALIZER } from '../../api/constants.js';
import type { TunnelLike } from '../../api/types.js';
import type { CacheReader } from '../../operator/types.js';
import { sampleTunnel } from '../../render/testing/fixtures.js';
import type { ReconcileContext } from '../../runtime/controller.js';
import { ResourceClient, resourcePath } from '../../runtime/kube-client.js';
import { FakeKube } from '../../runtime/testing/fake-kube.js';
import { SECRET, TUNNEL } from '../shared/resources.js';
import { credentialsProtection, credentialsSecretOf, protectionStep } from './credentials-protection.js';

const DELETED = '2026-01-01T00:00:00Z';

function secret(finalizers: string[] = [], deleting = false): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'cf-credentials',
      namespace: 'shop',
      finalizers,
      ...(deleting ? { deletionTimestamp: new Date(DELETED) } : {}),
    },
  };
}

function tunnel(state: 'new' | 'live' | 'deleting'): TunnelLike {
  const t = sampleTunnel();
  if (state !== 'new') t.metadata.finalizers = [FINALIZER];
  if (state === 'deleting') t.metadata.deletionTimestamp = new Date(DELETED);
  return t;
}

describe('protectionStep', () => {
  it.each<[string, KubernetesObject, TunnelLike[], string]>([
    ['a Tunnel uses the Secret: add', secret(), [tunnel('live')], 'add'],
    ['already there: nothing', secret([CREDENTIALS_FINALIZER]), [tunnel('live')], 'none'],
    ['a Tunnel without its finalizer yet: nothing', secret(), [tunnel('new')], 'none'],
    ['no Tunnel uses it any more: remove', secret([CREDENTIALS_FINALIZER, 'other']), [], 'remove'],
    ['only a Tunnel whose clean-up is done: remove', secret([CREDENTIALS_FINALIZER]), [tunnel('new')], 'remove'],
    ['deleted while a Tunnel cleans up: kept', secret([CREDENTIALS_FINALIZER], true), [tunnel('deleting')], 'none'],
    ['deleted while a Tunnel still uses it: kept', secret([CREDENTIALS_FINALIZER], true), [tunnel('live')], 'none'],
    ['deleted, its last Tunnel gone: remove', secret([CREDENTIALS_FINALIZER], true), [], 'remove'],
    ['deleted before it was protected: nothing to add', secret([], true), [tunnel('live')], 'none'],
    ['not ours, not used: nothing', secret(['other']), [], 'none'],
  ])('%s', (_name, given, users, step) => {
    expect(protectionStep(given, users)).toBe(step);
  });
});

describe('credentialsSecretOf', () => {
  it('maps a Tunnel to the Secret it names, in its namespace', () => {
    expect([...credentialsSecretOf(sampleTunnel(), { get: () => undefined, list: () => [] })]).toEqual([
      'shop/cf-credentials',
    ]);
  });
});

describe('the credentials-protection controller', () => {
  const path = resourcePath(SECRET, 'shop', 'cf-credentials');
  const stored = (object: KubernetesObject) => JSON.parse(JSON.stringify(object)) as Parameters<FakeKube['put']>[1];
  const run = (kube: FakeKube, tunnels: TunnelLike[]) => {
    const cache: CacheReader = {
      get: (type, key) => (type === SECRET && key === 'shop/cf-credentials' ? kube.get(path) : undefined),
      list: (type) => (type === TUNNEL ? tunnels : []),
    };
    const { reconcile } = credentialsProtection(new ResourceClient(kube), cache);
    return reconcile({ key: 'shop/cf-credentials', signal: new AbortController().signal } as ReconcileContext);
  };

  it('adds the finalizer to a Secret a Tunnel of its namespace uses; Tunnels elsewhere do not count', async () => {
    const kube = new FakeKube();
    kube.put(path, stored(secret(['other'])));
    const elsewhere = tunnel('live');
    elsewhere.metadata.namespace = 'blog';
    await run(kube, [elsewhere]);
    expect(kube.get(path)?.metadata).toMatchObject({ finalizers: ['other'] });
    await run(kube, [elsewhere, tunnel('live')]);
    expect(kube.get(path)?.metadata).toMatchObject({ finalizers: ['other', CREDENTIALS_FINALIZER] });
  });

  it('removes it once the last Tunnel that used it is gone', async () => {
    const kube = new FakeKube();
    kube.put(path, stored(secret([CREDENTIALS_FINALIZER])));
    await run(kube, []);
    expect(kube.get(path)?.metadata).toMatchObject({ finalizers: [] });
  });

  it('does nothing for a Secret it does not see', async () => {
    const kube = new FakeKube();
    await run(kube, [tunnel('live')]);
    expect(kube.requests).toEqual([]);
  });
});
