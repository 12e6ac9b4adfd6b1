// The records the operator writes: a proxied CNAME from a hostname to its tunnel.
import type { DnsRecordInput } from './types.js';
import { normalizeHostname } from './zones.js';

/** The CNAME target that routes a hostname to a tunnel. */
export function tunnelCnameTarget(tunnelId: string): string {
  return `${tunnelId}.cfargotunnel.com`;
}

/** A proxied CNAME `<hostname> → <tunnelId>.cfargotunnel.com` with automatic TTL. */
export function tunnelCname(hostname: string, tunnelId: string, comment: string): DnsRecordInput {
  return {
    name: normalizeHostname(hostname),
    type: 'CNAME',
    content: tunnelCnameTarget(tunnelId),
    proxied: true,
    ttl: 1,
    comment,
  };
}
