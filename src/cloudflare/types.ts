// Domain types the gateway hands to the rest of the operator. They are narrower than the SDK's
// generated types on purpose: callers see only what the operator uses, with the SDK's optional
// fields resolved once, here, at the boundary.

/** API token, or the legacy global API key with the account's e-mail. Never logged. */
export type CloudflareCredentials = { apiToken: string } | { apiKey: string; email: string };

export interface Account {
  id: string;
  name: string;
}

/** The zone's plan, reduced to what changes the operator's behaviour (batch size, comment length). */
export type PlanTier = 'free' | 'paid';

export interface Zone {
  id: string;
  name: string;
  accountId: string | undefined;
  status: string | undefined;
  plan: PlanTier;
}

export type TunnelConfigSource = 'local' | 'cloudflare';

export interface CloudflareTunnel {
  id: string;
  name: string;
  accountTag: string;
  configSource: TunnelConfigSource;
  status: string | undefined;
  createdAt: string | undefined;
  /** Set once the tunnel has been deleted (Cloudflare keeps deleted tunnels visible for a while). */
  deletedAt: string | undefined;
}

/** A tunnel created by the gateway, with the secret it generated. The secret is never logged. */
export interface CreatedTunnel {
  tunnel: CloudflareTunnel;
  /** Base64 of 32 random bytes; cloudflared's credentials file carries it as `TunnelSecret`. */
  secret: string;
}

/**
 * One rule of a remotely-managed configuration; the last has neither hostname nor path and catches the rest.
 * Origin options (durations in whole seconds) pass through untouched, so they stay an open record: the
 * renderer's typed options (src/render/remote-config.ts) are assignable to it as they are.
 */
export interface RemoteIngressRule {
  hostname?: string;
  path?: string;
  service: string;
  originRequest?: Readonly<Record<string, unknown>>;
}

/** The remotely-managed configuration of a tunnel (`config_src: cloudflare`). */
export interface TunnelConfiguration {
  ingress: RemoteIngressRule[];
  originRequest?: Readonly<Record<string, unknown>>;
  warpRouting?: { enabled: boolean };
}

export interface VersionedTunnelConfiguration {
  version: number;
  config: TunnelConfiguration | undefined;
}

/**
 * The cloudflared connectors of a tunnel, as Cloudflare's connections list reports them, summed up. Only
 * connectors with at least one open connection count.
 */
export interface TunnelConnectors {
  count: number;
  /** The Cloudflare data centres they are connected to, sorted, each once. */
  colos: string[];
  /** The cloudflared versions they run, sorted, each once. */
  versions: string[];
  /**
   * The lowest remote configuration version among them (`config_version`); undefined when none reports one (or
   * there is no connector).
   */
  configVersion: number | undefined;
}

export interface DnsRecord {
  id: string;
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  ttl: number;
  comment: string | undefined;
}

/** The fields of a record we write. `ttl: 1` means automatic, the only value for proxied records. */
export interface DnsRecordInput {
  name: string;
  type: 'CNAME';
  content: string;
  proxied: boolean;
  ttl: number;
  comment: string;
}

export interface DnsRecordFilter {
  name?: string;
  type?: string;
  /** Records whose comment starts with this text (the owner marker's prefix lists all of ours). */
  commentStartsWith?: string;
}

/** One batch of DNS changes for a zone, in the shape of `POST /zones/{zone}/dns_records/batch`. */
export interface DnsBatch {
  deletes: { id: string }[];
  patches: (Partial<DnsRecordInput> & { id: string })[];
  puts: (DnsRecordInput & { id: string })[];
  posts: DnsRecordInput[];
}
