import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import { ServiceAnnotation } from '../../api/annotations.js';
import type { EventInput } from '../../runtime/events.js';
import { MissingTunnelNotices } from './missing-tunnel.js';

/** A Service of `namespace` with these tunnel annotations. */
function service(name: string, namespace: string, targets: { tunnel?: string; clusterTunnel?: string }): V1Service {
  const annotations: Record<string, string> = {};
  if (targets.tunnel) annotations[ServiceAnnotation.tunnel] = targets.tunnel;
  if (targets.clusterTunnel) annotations[ServiceAnnotation.clusterTunnel] = targets.clusterTunnel;
  return { kind: 'Service', metadata: { name, namespace, uid: `uid-${namespace}-${name}`, annotations } };
}

function notices() {
  const told: { service: string; event: EventInput }[] = [];
  const recorder = {
    record: (regarding: KubernetesObject, event: EventInput) =>
      told.push({ service: `${regarding.metadata?.namespace}/${regarding.metadata?.name}`, event }),
  };
  return { missing: new MissingTunnelNotices(recorder), told };
}

describe('MissingTunnelNotices', () => {
  it('warns each Service that names the missing Tunnel, saying which tunnel does not exist', () => {
    const { missing, told } = notices();
    missing.report('Tunnel', { namespace: 'shop', name: 'web' }, [service('a', 'shop', { tunnel: 'web' })]);
    expect(told).toEqual([
      {
        service: 'shop/a',
        event: {
          type: 'Warning',
          reason: 'TunnelNotFound',
          action: 'Route',
          note: 'Tunnel shop/web does not exist: the Service is not published until it does',
        },
      },
    ]);
  });

  it('leaves alone the Services that name another tunnel: another name, another namespace, the other kind', () => {
    const { missing, told } = notices();
    missing.report('Tunnel', { namespace: 'shop', name: 'web' }, [
      service('other-name', 'shop', { tunnel: 'api' }),
      service('other-namespace', 'blog', { tunnel: 'web' }),
      service('cluster-tunnel', 'shop', { clusterTunnel: 'web' }),
      service('none', 'shop', {}),
    ]);
    expect(told).toEqual([]);
  });

  it('warns a Service about a missing ClusterTunnel it names, whatever its namespace', () => {
    const { missing, told } = notices();
    missing.report('ClusterTunnel', { name: 'edge' }, [
      service('a', 'shop', { clusterTunnel: 'edge' }),
      service('b', 'blog', { clusterTunnel: 'edge' }),
      service('namespaced', 'shop', { tunnel: 'edge' }),
    ]);
    expect(told.map((t) => t.service)).toEqual(['shop/a', 'blog/b']);
    expect(told[0]?.event.note).toBe('ClusterTunnel edge does not exist: the Service is not published until it does');
  });

  it('warns a Service that names two tunnels about the one that is missing', () => {
    const { missing, told } = notices();
    missing.report('ClusterTunnel', { name: 'edge' }, [
      service('both', 'shop', { tunnel: 'web', clusterTunnel: 'edge' }),
    ]);
    expect(told.map((t) => t.service)).toEqual(['shop/both']);
  });

  it('tells a Service once while the tunnel stays missing', () => {
    const { missing, told } = notices();
    const services = [service('a', 'shop', { tunnel: 'web' })];
    missing.report('Tunnel', { namespace: 'shop', name: 'web' }, services);
    missing.report('Tunnel', { namespace: 'shop', name: 'web' }, services);
    expect(told).toHaveLength(1);
  });

  it('remembers what it told per tunnel: reports about another missing tunnel do not make it repeat itself', () => {
    const { missing, told } = notices();
    const a = service('a', 'shop', { tunnel: 'web' });
    const b = service('b', 'shop', { tunnel: 'api' });
    missing.report('Tunnel', { namespace: 'shop', name: 'web' }, [a, b]);
    missing.report('Tunnel', { namespace: 'shop', name: 'api' }, [a, b]);
    missing.report('Tunnel', { namespace: 'shop', name: 'web' }, [a, b]);
    expect(told.map((t) => t.service)).toEqual(['shop/a', 'shop/b']);
  });

  it('tells a Service again once it stopped naming the tunnel and names it again', () => {
    const { missing, told } = notices();
    const ref = { namespace: 'shop', name: 'web' };
    missing.report('Tunnel', ref, [service('a', 'shop', { tunnel: 'web' })]);
    missing.report('Tunnel', ref, [service('a', 'shop', { tunnel: 'api' })]);
    missing.report('Tunnel', ref, [service('a', 'shop', { tunnel: 'web' })]);
    expect(told).toHaveLength(2);
  });

  it('tells the Services again after the tunnel appeared (forget) and went missing again', () => {
    const { missing, told } = notices();
    const ref = { namespace: 'shop', name: 'web' };
    const services = [service('a', 'shop', { tunnel: 'web' })];
    missing.report('Tunnel', ref, services);
    missing.forget('Tunnel', ref);
    missing.report('Tunnel', ref, services);
    expect(told).toHaveLength(2);
  });
});
