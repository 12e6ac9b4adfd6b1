// Reads the tunnel's cloudflared connectors from Cloudflare at a modest rate: a moment after the ready replicas or
// the pushed configuration version change (cloudflared needs that moment to pick a change up, so a read at once
// would only see the old state; a burst of pushes then costs one read); while the answer is expected to move (see
// connectorsSettling) again after a backoff of 1 s doubling to 60 s, with a requeue; otherwise once per resync
// period (the memo's TTL).
import type { CloudflareGateway, TunnelConnectors } from '../../cloudflare/index.js';
import type { CloudflareMemo } from './cloudflare-memo.js';
import { connectorsSettling, nextRecheckMs } from './config-pickup.js';

export interface ConnectorsInput {
  gateway: CloudflareGateway;
  accountId: string;
  tunnelId: string;
  memo: CloudflareMemo;
  /** The tunnel object's entry in the memo. */
  memoTunnel: string;
  /** Identifies the credentials and the Cloudflare tunnel in memo fingerprints. */
  memoKey: string;
  readyReplicas: number;
  /** `cloudflare` mode: the version Cloudflare holds our configuration under. */
  pushedVersion: number | undefined;
}

export interface ObservedConnectors {
  connectors: TunnelConnectors;
  /** Look again after this long (the answer is expected to move); undefined: no need. */
  recheckAfterMs: number | undefined;
}

interface Remembered {
  connectors: TunnelConnectors;
  /** The backoff in effect while settling. */
  recheckMs?: number;
  /** Remembered only until the next look is due (settling, or the moment after a change). */
  lookAgain?: true;
}

/** How long after a change the first look waits. */
export const PICKUP_GRACE_MS = 1000;

export async function observeConnectors(input: ConnectorsInput): Promise<ObservedConnectors> {
  const { memo, memoTunnel: uid, readyReplicas, pushedVersion } = input;
  const print = `${input.memoKey} ${readyReplicas} ${pushedVersion ?? ''}`;
  const known = memo.recall<Remembered>(uid, 'connectors', print);
  // An entry that is waiting for the next look asks for it again: the requeue that was asked for with it may have
  // been merged into an earlier one (the queue keeps the earliest delayed add of a key).
  if (known) {
    const recheckAfterMs = known.lookAgain ? memo.expiresInMs(uid, 'connectors') : undefined;
    return { connectors: known.connectors, recheckAfterMs };
  }
  const previous = memo.latest<Remembered>(uid, 'connectors');
  if (previous && memo.lastKnown(uid, 'connectors', print) === undefined) {
    // Something changed: the previous answer stands (the routes the older version carries stay Active).
    const grace: Remembered = { connectors: previous.connectors, lookAgain: true };
    memo.remember(uid, 'connectors', print, grace, PICKUP_GRACE_MS);
    return { connectors: previous.connectors, recheckAfterMs: PICKUP_GRACE_MS };
  }
  const connectors = await input.gateway.getConnectors(input.accountId, input.tunnelId);
  if (!connectorsSettling(connectors, readyReplicas, pushedVersion)) {
    memo.remember(uid, 'connectors', print, { connectors } satisfies Remembered);
    return { connectors, recheckAfterMs: undefined };
  }
  const recheckMs = nextRecheckMs(memo.lastKnown<Remembered>(uid, 'connectors', print)?.recheckMs);
  memo.remember(uid, 'connectors', print, { connectors, recheckMs, lookAgain: true } satisfies Remembered, recheckMs);
  return { connectors, recheckAfterMs: recheckMs };
}
