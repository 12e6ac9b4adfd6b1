// Names that are part of the public API (CRDs, labels, annotations on owned objects) or shared between the
// CRD defaults and the code that mirrors them. Changing one is a breaking change.
import { API_GROUP } from '../version.js';

export const GROUP = API_GROUP;
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const TUNNEL_KIND = 'Tunnel';
export const CLUSTER_TUNNEL_KIND = 'ClusterTunnel';
export const TUNNEL_PLURAL = 'tunnels';
export const CLUSTER_TUNNEL_PLURAL = 'clustertunnels';

/** Held by every Tunnel/ClusterTunnel until its DNS records, cloudflared and (if created) the tunnel are gone. */
export const FINALIZER = `${GROUP}/finalizer`;
/** Held by a Tunnel's API credentials Secret while a Tunnel that may still need it to clean up exists. */
export const CREDENTIALS_FINALIZER = `${GROUP}/credentials-in-use`;

/** cloudflared release pinned by default; bump together with e2e/cluster/versions.env and the CRD default. */
export const DEFAULT_CLOUDFLARED_IMAGE = 'cloudflare/cloudflared:2026.8.2';
export const DEFAULT_REPLICAS = 2;
export const MAX_REPLICAS = 50;
export const DEFAULT_FALLBACK_SERVICE = 'http_status:404';
export const DEFAULT_API_TOKEN_KEY = 'apiToken';
export const DEFAULT_CA_POOL_KEY = 'ca.crt';
export const MAX_ZONES = 50;

/** Port of cloudflared's metrics server, which also serves `/ready`. */
export const METRICS_PORT = 2000;
/** The UID/GID the official cloudflared image runs as ("nonroot"). */
export const CLOUDFLARED_UID = 65532;

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'cloudflare-operator';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const COMPONENT_NAME = 'cloudflared';
/** On objects owned by a Tunnel: the Tunnel's name. */
export const TUNNEL_LABEL = `${GROUP}/tunnel`;
/** On objects owned by a ClusterTunnel: the ClusterTunnel's name (a separate key so the two never collide). */
export const CLUSTER_TUNNEL_LABEL = `${GROUP}/cluster-tunnel`;

/** On the cloudflared pod template: hash of everything whose change needs a restart. */
export const CONFIG_HASH_ANNOTATION = `${GROUP}/config-hash`;
/** On the credentials Secret: the ID of the tunnel it belongs to, for people and tools (recovery reads the data). */
export const TUNNEL_ID_ANNOTATION = `${GROUP}/tunnel-id`;
