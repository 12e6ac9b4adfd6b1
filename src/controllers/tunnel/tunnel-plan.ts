// Which way the tunnel is obtained, decided from the spec and the credentials Secret alone. Pure.
//
//   spec     | Secret holds                          | step
//   ---------+---------------------------------------+---------------------------------------------------
//   adopt id | credentials of that ID                | verify (the tunnel still exists)
//   adopt id | anything else                         | adopt  (get it, fetch its token, store it)
//   create   | credentials                           | verify (recreate it if we created it and it is gone)
//   create   | pending secret for this name/account  | recover (find by name; ours if its secret matches)
//   create   | nothing (or a stale pending)          | create (store a pending secret first, then create)
import type { TunnelSource } from '../../api/types.js';
import type { CloudflareTunnel } from '../../cloudflare/index.js';
import type { TunnelCredentials } from '../../render/index.js';
import type { PendingTunnel, StoredTunnel } from './stored-tunnel.js';

export type TunnelStep =
  | { kind: 'verify'; credentials: TunnelCredentials; created: boolean }
  | { kind: 'adopt'; tunnelId: string }
  | { kind: 'recover'; pending: PendingTunnel }
  | { kind: 'create'; name: string };

export function planTunnel(
  source: TunnelSource,
  desiredName: string | undefined,
  stored: StoredTunnel,
  accountId: string,
): TunnelStep {
  if (source.adopt) {
    const id = source.adopt.id;
    if (stored.state === 'ready' && stored.credentials.tunnelId === id && stored.credentials.accountTag === accountId) {
      return { kind: 'verify', credentials: stored.credentials, created: false };
    }
    return { kind: 'adopt', tunnelId: id };
  }
  const name = desiredName ?? '';
  if (stored.state === 'ready' && stored.credentials.accountTag === accountId) {
    return { kind: 'verify', credentials: stored.credentials, created: stored.created };
  }
  if (stored.state === 'pending' && stored.pending.name === name && stored.pending.accountTag === accountId) {
    return { kind: 'recover', pending: stored.pending };
  }
  return { kind: 'create', name };
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

/** A stored tunnel that Cloudflare no longer has: recreate it if we made it, else report it. */
export function verifyOutcome(
  step: Extract<TunnelStep, { kind: 'verify' }>,
  found: CloudflareTunnel | undefined,
): 'ok' | 'recreate' | 'missing' {
  if (found && !found.deletedAt) return 'ok';
  return step.created ? 'recreate' : 'missing';
}
