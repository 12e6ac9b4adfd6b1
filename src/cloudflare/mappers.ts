// SDK response objects → the gateway's domain types. Optional SDK fields are resolved here, once.
import type { CloudflareTunnel as SdkTunnel } from 'cloudflare/resources/shared';
import type { RecordResponse } from 'cloudflare/resources/dns/records';
import type { Zone as SdkZone } from 'cloudflare/resources/zones/zones';
import type { CloudflareTunnel, DnsRecord, Zone } from './types.js';
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
