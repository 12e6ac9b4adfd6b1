// What Cloudflare may still hold for an object being deleted: the tunnel on record (the credentials Secret, or
// status when the Secret was deleted by hand), and any other tunnel status says this object created. Pure.
import type { TunnelStatus } from '../../api/types.js';
import type { StoredTunnel } from './stored-tunnel.js';
import { recordedTunnel, statusTunnel, type RecordedTunnel } from './tunnel-identity.js';

/** Every tunnel this object may have left on Cloudflare; empty when it never reached Cloudflare. */
export function leftovers(stored: StoredTunnel, status: TunnelStatus | undefined): RecordedTunnel[] {
  const recorded = recordedTunnel(stored, status);
  const found = recorded ? [recorded] : [];
  const fromStatus = statusTunnel(status);
  const known = found.some((r) => r.kind === 'tunnel' && r.tunnelId === fromStatus?.tunnelId);
  if (fromStatus?.created && !known) found.push(fromStatus);
  return found;
}
