// What Cloudflare may still hold for an object being deleted, from the credentials Secret (or, if that was
// deleted by hand, the status). Pure.
import type { TunnelLike } from '../../api/types.js';
import type { StoredTunnel } from './stored-tunnel.js';

/** What Cloudflare may still hold for this object. Pure. */
export type Leftovers =
  | { kind: 'nothing' }
  | { kind: 'tunnel'; tunnelId: string; created: boolean }
  | { kind: 'pending'; name: string; secret: string };

export function leftovers(stored: StoredTunnel, status: TunnelLike['status']): Leftovers {
  if (stored.state === 'ready') {
    return { kind: 'tunnel', tunnelId: stored.credentials.tunnelId, created: stored.created };
  }
  if (stored.state === 'pending') return { kind: 'pending', name: stored.pending.name, secret: stored.pending.secret };
  // The Secret is gone (deleted by hand): status still names the tunnel.
  if (status?.tunnelId) return { kind: 'tunnel', tunnelId: status.tunnelId, created: status.created === true };
  return { kind: 'nothing' };
}
