// The CRD defaults, mirrored in code so that objects that did not go through the API server (unit tests,
// dry runs) read the same as those that did. Keep in step with crds/*.yaml (a test compares them). One default is
// computed here only: spec.configSource, which depends on spec.tunnel (defaultConfigSource).
import {
  DEFAULT_API_TOKEN_KEY,
  DEFAULT_CA_POOL_KEY,
  DEFAULT_CLOUDFLARED_IMAGE,
  DEFAULT_FALLBACK_SERVICE,
  DEFAULT_REPLICAS,
} from './constants.js';
import type {
  CloudflareSpec,
  CloudflaredLogLevel,
  CloudflaredProtocol,
  CloudflaredSpec,
  ConfigSource,
  CredentialsSecretRef,
  ImagePullPolicy,
  OriginRequestSpec,
  TunnelLike,
  TunnelSource,
  TunnelSpec,
} from './types.js';
import { isClusterTunnel } from './types.js';

export interface DefaultedCloudflaredSpec extends CloudflaredSpec {
  image: string;
  imagePullPolicy: ImagePullPolicy;
  replicas: number;
  protocol: CloudflaredProtocol;
  logLevel: CloudflaredLogLevel;
  networkPolicy: { enabled: boolean };
}

export interface DefaultedTunnelSpec {
  cloudflare: CloudflareSpec & { credentialsSecretRef: CredentialsSecretRef & { apiTokenKey: string } };
  tunnel: TunnelSource;
  configSource: ConfigSource;
  cloudflared: DefaultedCloudflaredSpec;
  originRequest: OriginRequestSpec;
  fallbackService: string;
  dns: { adoptUnmanaged: boolean };
}

function originRequestDefaults(spec: OriginRequestSpec | undefined): OriginRequestSpec {
  const out: OriginRequestSpec = { ...spec };
  if (spec?.caPoolSecretRef) {
    out.caPoolSecretRef = { ...spec.caPoolSecretRef, key: spec.caPoolSecretRef.key ?? DEFAULT_CA_POOL_KEY };
  }
  return out;
}

/**
 * spec.configSource when unset; the one default the CRD does not declare, as it depends on spec.tunnel. A tunnel the
 * operator creates gets `cloudflare`: route changes reach cloudflared through the API with no restart. An adopted
 * tunnel gets `local`: its remote configuration may be managed elsewhere, and pushing ours would overwrite it.
 */
export function defaultConfigSource(source: TunnelSource | undefined): ConfigSource {
  return source?.adopt ? 'local' : 'cloudflare';
}

/** Returns a copy of `spec` with every default filled in (the CRD's, and defaultConfigSource). Pure and idempotent. */
export function withDefaults(spec: TunnelSpec): DefaultedTunnelSpec {
  const ref = spec.cloudflare.credentialsSecretRef;
  const cloudflared = spec.cloudflared ?? {};
  return {
    cloudflare: {
      ...spec.cloudflare,
      credentialsSecretRef: { ...ref, apiTokenKey: ref.apiTokenKey ?? DEFAULT_API_TOKEN_KEY },
    },
    tunnel: spec.tunnel ?? { create: {} },
    configSource: spec.configSource ?? defaultConfigSource(spec.tunnel),
    cloudflared: {
      ...cloudflared,
      image: cloudflared.image ?? DEFAULT_CLOUDFLARED_IMAGE,
      imagePullPolicy: cloudflared.imagePullPolicy ?? 'IfNotPresent',
      replicas: cloudflared.replicas ?? DEFAULT_REPLICAS,
      protocol: cloudflared.protocol ?? 'auto',
      logLevel: cloudflared.logLevel ?? 'info',
      networkPolicy: { enabled: cloudflared.networkPolicy?.enabled ?? true },
    },
    originRequest: originRequestDefaults(spec.originRequest),
    fallbackService: spec.fallbackService ?? DEFAULT_FALLBACK_SERVICE,
    dns: { adoptUnmanaged: spec.dns?.adoptUnmanaged ?? false },
  };
}

/**
 * The name of the Cloudflare tunnel to create: spec.tunnel.create.name, else `<namespace>-<name>` for a
 * Tunnel and `<name>` for a ClusterTunnel. Undefined when the tunnel is adopted.
 */
export function desiredTunnelName(tunnel: TunnelLike): string | undefined {
  const source = tunnel.spec.tunnel ?? { create: {} };
  if (!source.create) return undefined;
  if (source.create.name) return source.create.name;
  const name = tunnel.metadata.name ?? '';
  return isClusterTunnel(tunnel) ? name : `${tunnel.metadata.namespace ?? ''}-${name}`;
}

/** The credentials the operator uses to call Cloudflare: an API token, or a global API key with its email. */
export type CredentialKeys =
  { kind: 'token'; tokenKey: string } | { kind: 'globalKey'; apiKeyKey: string; emailKey: string };

/** Which Secret keys hold the Cloudflare credentials (the global key wins when both are configured). */
export function credentialKeys(ref: CredentialsSecretRef): CredentialKeys {
  if (ref.apiKeyKey && ref.emailKey) return { kind: 'globalKey', apiKeyKey: ref.apiKeyKey, emailKey: ref.emailKey };
  return { kind: 'token', tokenKey: ref.apiTokenKey ?? DEFAULT_API_TOKEN_KEY };
}
