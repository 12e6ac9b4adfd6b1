// TypeScript shape of the Tunnel and ClusterTunnel custom resources (group cloudflare-operator.io,
// version v1alpha1). The CRDs in crds/ are the source of truth for validation; docs/api.md explains each field.
import type { V1Affinity, V1ObjectMeta, V1ResourceRequirements, V1Toleration } from '@kubernetes/client-node';
import type { ConditionStatus } from './conditions.js';

export type ConfigSource = 'local' | 'cloudflare';
export type CloudflaredProtocol = 'auto' | 'quic' | 'http2';
export type CloudflaredLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface CredentialsSecretRef {
  name: string;
  /** Key holding an API token. Ignored when apiKeyKey and emailKey are set. Default "apiToken". */
  apiTokenKey?: string;
  /** Key holding a global API key; needs emailKey too. */
  apiKeyKey?: string;
  emailKey?: string;
}

export interface CloudflareSpec {
  /** Exactly one of accountId / accountName. */
  accountId?: string;
  accountName?: string;
  credentialsSecretRef: CredentialsSecretRef;
  /** DNS zones this tunnel may create records in. */
  zones?: string[];
}

export interface TunnelSource {
  /** Exactly one of create / adopt. */
  create?: { name?: string };
  adopt?: { id: string };
}

export interface CloudflaredSpec {
  image?: string;
  imagePullPolicy?: ImagePullPolicy;
  replicas?: number;
  protocol?: CloudflaredProtocol;
  logLevel?: CloudflaredLogLevel;
  resources?: V1ResourceRequirements;
  nodeSelector?: Record<string, string>;
  tolerations?: V1Toleration[];
  affinity?: V1Affinity;
  priorityClassName?: string;
  extraArgs?: string[];
  podAnnotations?: Record<string, string>;
  podLabels?: Record<string, string>;
  networkPolicy?: NetworkPolicySpec;
}

/** The NetworkPolicy that limits cloudflared's egress to its routes' pods, cluster DNS and Cloudflare's edge. */
export interface NetworkPolicySpec {
  /** Default true. False: the operator deletes the policy it made and restricts nothing. */
  enabled?: boolean;
}

export interface SecretKeySelector {
  name: string;
  key?: string;
}

/** Durations are Go duration strings ("30s", "1m30s"). Keys are cloudflared's originRequest keys. */
export interface OriginRequestOptions {
  noTLSVerify?: boolean;
  originServerName?: string;
  connectTimeout?: string;
  tlsTimeout?: string;
  tcpKeepAlive?: string;
  keepAliveTimeout?: string;
  keepAliveConnections?: number;
  http2Origin?: boolean;
  httpHostHeader?: string;
  disableChunkedEncoding?: boolean;
  noHappyEyeballs?: boolean;
}

export interface OriginRequestSpec extends OriginRequestOptions {
  /** A CA bundle from a Secret in the tunnel's namespace (ClusterTunnel: the operator's namespace). */
  caPoolSecretRef?: SecretKeySelector;
}

export interface DnsSpec {
  /** Take over records that carry no ownership comment of ours. Default false. */
  adoptUnmanaged?: boolean;
}

export interface TunnelSpec {
  cloudflare: CloudflareSpec;
  tunnel?: TunnelSource;
  configSource?: ConfigSource;
  cloudflared?: CloudflaredSpec;
  originRequest?: OriginRequestSpec;
  fallbackService?: string;
  dns?: DnsSpec;
}

export type RouteState = 'Active' | 'Pending' | 'Conflict' | 'Invalid';

export interface RouteStatus {
  hostname: string;
  service: string;
  path?: string;
  /** "Service <namespace>/<name>" */
  source: string;
  state: RouteState;
  message?: string;
}

/** The cloudflared connectors Cloudflare reports for the tunnel (its connections list). */
export interface ConnectorsStatus {
  /** Connected cloudflared processes. */
  count: number;
  /** Cloudflare data centres they are connected to. */
  colos: string[];
  /** cloudflared versions they run. */
  versions: string[];
  /** `cloudflare` mode: the lowest remote configuration version among them. */
  configVersion?: number;
}

export interface ZoneStatus {
  name: string;
  id: string;
}

/** metav1.Condition as it travels in JSON (times are RFC 3339 strings). */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface TunnelStatus {
  observedGeneration?: number;
  tunnelId?: string;
  tunnelName?: string;
  accountId?: string;
  /** True when the operator created the tunnel and so may delete it. */
  created?: boolean;
  configSource?: ConfigSource;
  zones?: ZoneStatus[];
  replicas?: number;
  readyReplicas?: number;
  routeCount?: number;
  routes?: RouteStatus[];
  connectors?: ConnectorsStatus;
  configHash?: string;
  conditions?: Condition[];
}

export interface Tunnel {
  apiVersion: string;
  kind: 'Tunnel';
  metadata: V1ObjectMeta;
  spec: TunnelSpec;
  status?: TunnelStatus;
}

export interface ClusterTunnel {
  apiVersion: string;
  kind: 'ClusterTunnel';
  metadata: V1ObjectMeta;
  spec: TunnelSpec;
  status?: TunnelStatus;
}

export type TunnelLike = Tunnel | ClusterTunnel;

export function isClusterTunnel(tunnel: TunnelLike): tunnel is ClusterTunnel {
  return tunnel.kind === 'ClusterTunnel';
}
