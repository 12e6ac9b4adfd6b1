// Where the objects of a tunnel live, what they are called, how they are labelled and who owns them.
// A Tunnel's objects sit in its own namespace; a ClusterTunnel's in the operator's namespace, with names
// prefixed `cluster-` so that they never collide with a Tunnel of the same name there.
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import {
  API_VERSION,
  CLUSTER_TUNNEL_LABEL,
  COMPONENT_NAME,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  NAME_LABEL,
  TUNNEL_LABEL,
} from '../api/constants.js';
import { isClusterTunnel, type TunnelLike } from '../api/types.js';

/** What a renderer needs to know beyond the tunnel object itself. */
export interface RenderContext {
  /** The namespace the operator runs in: home of a ClusterTunnel's Secret and cloudflared. */
  operatorNamespace: string;
}

export interface ObjectNames {
  deployment: string;
  configMap: string;
  podDisruptionBudget: string;
  networkPolicy: string;
  secret: string;
}

function tunnelName(tunnel: TunnelLike): string {
  const name = tunnel.metadata.name;
  if (!name) throw new Error(`${tunnel.kind} has no metadata.name`);
  return name;
}

/** Names of the objects rendered for a tunnel. */
export function objectNames(tunnel: TunnelLike): ObjectNames {
  const base = `${isClusterTunnel(tunnel) ? 'cluster-' : ''}${tunnelName(tunnel)}-cloudflared`;
  return {
    deployment: base,
    configMap: base,
    podDisruptionBudget: base,
    networkPolicy: base,
    secret: `${base}-credentials`,
  };
}

/** Namespace of the objects rendered for a tunnel. */
export function targetNamespace(tunnel: TunnelLike, ctx: RenderContext): string {
  if (isClusterTunnel(tunnel)) return ctx.operatorNamespace;
  const namespace = tunnel.metadata.namespace;
  if (!namespace) throw new Error(`Tunnel ${tunnelName(tunnel)} has no metadata.namespace`);
  return namespace;
}

/** Labels that select a tunnel's cloudflared pods. Part of the Deployment selector: never change them. */
export function selectorLabels(tunnel: TunnelLike): Record<string, string> {
  const key = isClusterTunnel(tunnel) ? CLUSTER_TUNNEL_LABEL : TUNNEL_LABEL;
  return { [NAME_LABEL]: COMPONENT_NAME, [key]: tunnelName(tunnel) };
}

/** Labels on every object rendered for a tunnel. */
export function commonLabels(tunnel: TunnelLike): Record<string, string> {
  return { ...selectorLabels(tunnel), [MANAGED_BY_LABEL]: MANAGED_BY };
}

/**
 * The controller owner reference. A ClusterTunnel (cluster-scoped) may own objects in the operator's
 * namespace: a namespaced dependent may have a cluster-scoped owner, never the reverse.
 */
export function ownerReference(tunnel: TunnelLike): V1OwnerReference {
  const uid = tunnel.metadata.uid;
  if (!uid) throw new Error(`${tunnel.kind} ${tunnelName(tunnel)} has no metadata.uid`);
  return {
    apiVersion: API_VERSION,
    kind: tunnel.kind,
    name: tunnelName(tunnel),
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Metadata for one rendered object: name, namespace, labels and owner. */
export function objectMeta(
  tunnel: TunnelLike,
  ctx: RenderContext,
  name: string,
  annotations?: Record<string, string>,
): V1ObjectMeta {
  const meta: V1ObjectMeta = {
    name,
    namespace: targetNamespace(tunnel, ctx),
    labels: commonLabels(tunnel),
    ownerReferences: [ownerReference(tunnel)],
  };
  if (annotations && Object.keys(annotations).length > 0) meta.annotations = annotations;
  return meta;
}
