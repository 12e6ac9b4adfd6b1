// Which way the tunnel is obtained, decided from the spec and what the object has on record. Pure.
//
//   on record (tunnel-identity.ts)           | step
//   -----------------------------------------+------------------------------------------------------------------
//   another tunnel than the spec asks for    | refuse (the record is never replaced: see tunnel-identity.ts)
//   credentials in the Secret                | verify  (recreate it if we created it and it is gone)
//   a pending secret in the Secret           | recover (find by name; ours if its secret matches)
//   only status names the tunnel             | fetch   (the Secret was lost: read its credentials back by ID)
//   nothing, spec adopts an ID               | fetch   (get it, fetch its token, store it)
//   nothing, spec creates                    | create  (store a pending secret first, then create)
import type { CloudflareTunnel } from '../../cloudflare/index.js';
import type { TunnelCredentials } from '../../render/index.js';
import type { TunnelStatus } from '../../api/types.js';
import type { PendingTunnel, StoredTunnel } from './stored-tunnel.js';
import { identityChanges, recordedTunnel, type RecordedTunnel, type WantedTunnel } from './tunnel-identity.js';

export type TunnelStep =
  | { kind: 'refuse'; recorded: RecordedTunnel; changes: string[] }
  | { kind: 'verify'; credentials: TunnelCredentials; created: boolean }
  | { kind: 'fetch'; tunnelId: string; created: boolean }
  | { kind: 'recover'; pending: PendingTunnel }
  | { kind: 'create'; name: string };

export function planTunnel(wanted: WantedTunnel, stored: StoredTunnel, status: TunnelStatus | undefined): TunnelStep {
  const recorded = recordedTunnel(stored, status);
  const changes = identityChanges(wanted, recorded);
  if (recorded && changes.length > 0) return { kind: 'refuse', recorded, changes };
  if (stored.state === 'ready') return { kind: 'verify', credentials: stored.credentials, created: stored.created };
  if (stored.state === 'pending') return { kind: 'recover', pending: stored.pending };
  if (recorded?.kind === 'tunnel') return { kind: 'fetch', tunnelId: recorded.tunnelId, created: recorded.created };
  if (wanted.source.adopt) return { kind: 'fetch', tunnelId: wanted.source.adopt.id, created: false };
  return { kind: 'create', name: wanted.name ?? '' };
}

export type Recovery = 'create' | 'ours' | 'conflict';

/**
 * After a crash between storing the pending secret and recording the tunnel: a live tunnel with the pending
 * name is ours only if its secret (read through the token endpoint) is the one we stored; with none, create it
 * with the stored secret. A tunnel of that name with another secret belongs to someone else: never delete it.
 */
export function recoverPending(
  pending: PendingTunnel,
  found: CloudflareTunnel | undefined,
  foundSecret: string | undefined,
): Recovery {
  if (!found || found.deletedAt) return 'create';
  return foundSecret === pending.secret ? 'ours' : 'conflict';
}

/** A recorded tunnel that Cloudflare no longer has: recreate it if we made it, else report it. */
export function verifyOutcome(
  step: { created: boolean },
  found: CloudflareTunnel | undefined,
): 'ok' | 'recreate' | 'missing' {
  if (found && !found.deletedAt) return 'ok';
  return step.created ? 'recreate' : 'missing';
}
