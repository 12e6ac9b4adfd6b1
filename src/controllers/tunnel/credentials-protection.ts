// Keeps a Tunnel's API credentials Secret while the Tunnel may still need it to clean up. Deleting a namespace
// deletes everything in it at once, in no particular order: without this, the Secret could go first and the
// Tunnel's finalizer could never remove its DNS records and tunnel (DeletionBlocked, and the namespace stuck in
// Terminating for good). As Kubernetes does for a PersistentVolumeClaim in use, the Secret carries a finalizer
// while a Tunnel that names it holds its own finalizer; a Secret deleted meanwhile stays (Terminating, still
// readable) until those Tunnels are gone. The finalizer is added only to a Secret that is not being deleted (the
// API server refuses new finalizers then).
//
// ClusterTunnels are left out: their Secrets live in the operator's namespace, which cannot go without the
// operator, and a Helm uninstall must not leave a Secret that no running operator would release.
import type { KubernetesObject } from '@kubernetes/client-node';
import { CREDENTIALS_FINALIZER, FINALIZER } from '../../api/constants.js';
import type { TunnelLike } from '../../api/types.js';
import type { CacheReader, ControllerRegistration, KeyMapper } from '../../operator/types.js';
import type { ReconcileContext } from '../../runtime/controller.js';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../../runtime/finalizers.js';
import type { ResourceClient } from '../../runtime/kube-client.js';
import { keyOf } from '../../runtime/keys.js';
import { SECRET, TUNNEL } from '../shared/resources.js';

export type ProtectionStep = 'add' | 'remove' | 'none';

/** What to do with the finalizer of `secret`, given the Tunnels that name it. Pure. */
export function protectionStep(secret: KubernetesObject, users: readonly TunnelLike[]): ProtectionStep {
  const needed = users.some((tunnel) => hasFinalizer(tunnel, FINALIZER));
  const has = hasFinalizer(secret, CREDENTIALS_FINALIZER);
  if (needed && !has && secret.metadata?.deletionTimestamp === undefined) return 'add';
  if (!needed && has) return 'remove';
  return 'none';
}

/** The key of the credentials Secret a Tunnel names (in its own namespace). */
export const credentialsSecretOf: KeyMapper = (object) => {
  const tunnel = object as TunnelLike;
  const name = tunnel.spec?.cloudflare?.credentialsSecretRef?.name;
  return name ? [keyOf({ namespace: tunnel.metadata.namespace, name })] : [];
};

function usersOf(secret: KubernetesObject, cache: CacheReader): TunnelLike[] {
  const { namespace, name } = secret.metadata ?? {};
  return (cache.list(TUNNEL) as TunnelLike[]).filter(
    (tunnel) => tunnel.metadata.namespace === namespace && tunnel.spec?.cloudflare?.credentialsSecretRef?.name === name,
  );
}

export function credentialsProtection(client: ResourceClient, cache: CacheReader): ControllerRegistration {
  const reconcile = async ({ key }: ReconcileContext): Promise<void> => {
    const secret = cache.get(SECRET, key);
    if (!secret) return;
    const step = protectionStep(secret, usersOf(secret, cache));
    if (step === 'add') await addFinalizer(client, SECRET, secret, CREDENTIALS_FINALIZER);
    if (step === 'remove') await removeFinalizer(client, SECRET, secret, CREDENTIALS_FINALIZER);
  };
  return {
    name: 'credentials-protection',
    // Metadata only: the same watch (and cache) as the Tunnel controller's, never the Secrets' data.
    primary: { type: SECRET, namespaces: 'watched', cache: 'metadata' },
    watches: [{ type: TUNNEL, cache: 'full', map: credentialsSecretOf }],
    reconcile,
  };
}
