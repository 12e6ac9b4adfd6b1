// Which Tunnels use a Secret as their Cloudflare API credentials: when such a Secret appears, changes or goes,
// those Tunnels are reconciled at once instead of on their next retry (a restored Secret unblocks a deletion).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { TunnelLike } from '../../api/types.js';
import type { CacheReader, KeyMapper } from '../../operator/types.js';
import type { ResourceType } from '../../runtime/kube-client.js';
import { objectKey } from '../../runtime/keys.js';

/**
 * Maps a Secret to the keys of the `primary` objects (Tunnel or ClusterTunnel) whose credentialsSecretRef
 * names it. A Tunnel reads its Secret from its own namespace, a ClusterTunnel from the operator's.
 */
export function tunnelsUsingSecret(primary: ResourceType, operatorNamespace: string): KeyMapper {
  return (secret: KubernetesObject, cache: CacheReader): string[] => {
    const { name, namespace } = secret.metadata ?? {};
    return cache
      .list(primary)
      .filter((object) => {
        const tunnel = object as TunnelLike;
        const secretNamespace = primary.namespaced ? tunnel.metadata.namespace : operatorNamespace;
        return secretNamespace === namespace && tunnel.spec?.cloudflare?.credentialsSecretRef?.name === name;
      })
      .map(objectKey)
      .sort();
  };
}
