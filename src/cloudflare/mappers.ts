// SDK response objects → the gateway's domain types. Optional SDK fields are resolved here, once.
import type { CloudflareTunnel as SdkTunnel } from 'cloudflare/resources/shared';
import type { Client as SdkConnector } from 'cloudflare/resources/zero-trust/tunnels/cloudflared/connections';
import type { RecordResponse } from 'cloudflare/resources/dns/records';
import type { Zone as SdkZone } from 'cloudflare/resources/zones/zones';
import type { CloudflareTunnel, DnsRecord, TunnelConnectors, Zone } from './types.js';
import { planTierOf } from './zones.js';

export function toZone(zone: SdkZone): Zone {
  return {
    id: zone.id,
    name: zone.name,
    accountId: zone.account?.id,
    status: zone.status,
    plan: planTierOf(zone.plan),
  };
}

export function toTunnel(tunnel: SdkTunnel): CloudflareTunnel {
  return {
    id: tunnel.id ?? '',
    name: tunnel.name ?? '',
    accountTag: tunnel.account_tag ?? '',
    configSource: tunnel.config_src ?? (tunnel.remote_config ? 'cloudflare' : 'local'),
    status: tunnel.status,
    createdAt: tunnel.created_at,
    deletedAt: tunnel.deleted_at ?? undefined,
  };
}

export function toDnsRecord(record: RecordResponse): DnsRecord {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    content: typeof record.content === 'string' ? record.content : '',
    proxied: record.proxied ?? false,
    ttl: record.ttl,
    comment: record.comment ?? undefined,
  };
}

const sortedOnce = (values: (string | undefined)[]): string[] =>
  [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))].sort();

/** A tunnel's connections list (one entry per connector, each with its connections), summed up. */
export function toTunnelConnectors(clients: readonly SdkConnector[]): TunnelConnectors {
  const connected = clients.filter((c) => (c.conns ?? []).length > 0);
  const configVersions = connected.flatMap((c) => (typeof c.config_version === 'number' ? [c.config_version] : []));
  return {
    count: connected.length,
    colos: sortedOnce(connected.flatMap((c) => (c.conns ?? []).map((conn) => conn.colo_name))),
    versions: sortedOnce(connected.map((c) => c.version ?? c.conns?.[0]?.client_version)),
    configVersion: configVersions.length > 0 ? Math.min(...configVersions) : undefined,
  };
}
