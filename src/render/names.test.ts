import { CTX, sampleClusterTunnel, sampleTunnel } from './testing/fixtures.js';
import { commonLabels, objectMeta, objectNames, ownerReference, selectorLabels, targetNamespace } from './names.js';

describe('names and placement', () => {
  it('a Tunnel: objects named after it, in its namespace', () => {
    const tunnel = sampleTunnel();
    expect(objectNames(tunnel)).toEqual({
      deployment: 'web-cloudflared',
      configMap: 'web-cloudflared',
      podDisruptionBudget: 'web-cloudflared',
      networkPolicy: 'web-cloudflared',
      secret: 'web-cloudflared-credentials',
    });
    expect(targetNamespace(tunnel, CTX)).toBe('shop');
    expect(selectorLabels(tunnel)).toEqual({
      'app.kubernetes.io/name': 'cloudflared',
      'cloudflare-operator.io/tunnel': 'web',
    });
  });

  it('a ClusterTunnel: objects prefixed cluster-, in the operator namespace, with their own label key', () => {
    const tunnel = sampleClusterTunnel();
    expect(objectNames(tunnel).deployment).toBe('cluster-shared-cloudflared');
    expect(objectNames(tunnel).secret).toBe('cluster-shared-cloudflared-credentials');
    expect(targetNamespace(tunnel, CTX)).toBe('cloudflare-operator');
    expect(selectorLabels(tunnel)).toEqual({
      'app.kubernetes.io/name': 'cloudflared',
      'cloudflare-operator.io/cluster-tunnel': 'shared',
    });
  });

  it('labels every object as managed by the operator', () => {
    expect(commonLabels(sampleTunnel())).toMatchObject({ 'app.kubernetes.io/managed-by': 'cloudflare-operator' });
  });

  it.each([
    ['Tunnel', sampleTunnel()],
    ['ClusterTunnel', sampleClusterTunnel()],
  ])('the %s is the controller owner of its objects', (kind, tunnel) => {
    expect(ownerReference(tunnel)).toEqual({
      apiVersion: 'cloudflare-operator.io/v1alpha1',
      kind,
      name: tunnel.metadata.name,
      uid: tunnel.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(objectMeta(tunnel, CTX, 'x').ownerReferences).toEqual([ownerReference(tunnel)]);
  });

  it('omits empty annotations and keeps given ones', () => {
    expect(objectMeta(sampleTunnel(), CTX, 'x')).not.toHaveProperty('annotations');
    expect(objectMeta(sampleTunnel(), CTX, 'x', { a: 'b' }).annotations).toEqual({ a: 'b' });
  });

  it.each([
    ['no name', { ...sampleTunnel(), metadata: { namespace: 'shop', uid: 'u' } }, /no metadata.name/],
    ['no uid', { ...sampleTunnel(), metadata: { name: 'web', namespace: 'shop' } }, /no metadata.uid/],
    ['no namespace', { ...sampleTunnel(), metadata: { name: 'web', uid: 'u' } }, /no metadata.namespace/],
  ])('refuses a Tunnel with %s', (_name, tunnel, message) => {
    expect(() => objectMeta(tunnel, CTX, 'x')).toThrow(message);
  });
});
