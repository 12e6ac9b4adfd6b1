// Route claims from the whole cluster → which ones are served. Pure and deterministic: the same claims in any
// order give the same verdicts in the same order.
import { compareStrings } from '../render/routes.js';
import { sameTunnel, tunnelRefKey, type RouteClaim, type RouteSource, type TunnelRef } from './types.js';

/** Why a claim lost: its hostname belongs to another tunnel, or an older claim has the same hostname and path. */
export type LossReason = 'otherTunnel' | 'samePath';

export type ResolvedClaim =
  | { claim: RouteClaim; verdict: 'won' }
  | { claim: RouteClaim; verdict: 'lost'; winner: RouteSource; winnerTunnel: TunnelRef; reason: LossReason };

/** A source without a readable creation time counts as the newest. */
function createdAtMillis(source: RouteSource): number {
  const millis = Date.parse(source.createdAt);
  return Number.isNaN(millis) ? Number.POSITIVE_INFINITY : millis;
}

function compareCreation(a: RouteSource, b: RouteSource): number {
  const [millisA, millisB] = [createdAtMillis(a), createdAtMillis(b)];
  if (millisA !== millisB) return millisA < millisB ? -1 : 1;
  return compareStrings(a.createdAt, b.createdAt);
}

/** No path (every path) first, then paths in code-unit order. */
function comparePaths(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return compareStrings(a, b);
}

/** Oldest first: creation time, namespace, name, path; then uid, tunnel and origin, so that the order is total. */
function compareAge(a: RouteClaim, b: RouteClaim): number {
  return (
    compareCreation(a.source, b.source) ||
    compareStrings(a.source.namespace, b.source.namespace) ||
    compareStrings(a.source.name, b.source.name) ||
    comparePaths(a.path, b.path) ||
    compareStrings(a.source.uid, b.source.uid) ||
    compareStrings(a.tunnel.kind, b.tunnel.kind) ||
    compareStrings(tunnelRefKey(a.tunnel), tunnelRefKey(b.tunnel)) ||
    compareStrings(a.service, b.service)
  );
}

/** The output order: hostname, path, then oldest first. */
function compareResolved(a: ResolvedClaim, b: ResolvedClaim): number {
  return (
    compareStrings(a.claim.hostname, b.claim.hostname) ||
    comparePaths(a.claim.path, b.claim.path) ||
    compareAge(a.claim, b.claim)
  );
}

function lost(claim: RouteClaim, winner: RouteClaim, reason: LossReason): ResolvedClaim {
  return { claim, verdict: 'lost', winner: winner.source, winnerTunnel: winner.tunnel, reason };
}

/** Verdicts on the claims of one hostname, given oldest first. */
function resolveHostname(claims: readonly RouteClaim[]): ResolvedClaim[] {
  const [owner] = claims;
  const pathWinners = new Map<string | undefined, RouteClaim>();
  return claims.map((claim) => {
    if (owner && !sameTunnel(claim.tunnel, owner.tunnel)) return lost(claim, owner, 'otherTunnel');
    const winner = pathWinners.get(claim.path);
    if (winner) return lost(claim, winner, 'samePath');
    pathWinners.set(claim.path, claim);
    return { claim, verdict: 'won' };
  });
}

/**
 * Decides which claims are served. Claims are grouped by hostname; "older" compares the sources' creation
 * times, then namespace, name and path.
 *
 * | Claim of a hostname                                  | Verdict                                 |
 * | ---------------------------------------------------- | --------------------------------------- |
 * | the oldest: it makes its tunnel the hostname's owner | won                                     |
 * | of another tunnel than the owner's                   | lost, `otherTunnel`; winner: the owner  |
 * | of the owner's tunnel, the oldest with its path      | won (distinct paths coexist)            |
 * | of the owner's tunnel, with a path an older one has  | lost, `samePath`; winner: that older one |
 *
 * A hostname is one DNS record, which can point at one tunnel only; within that tunnel cloudflared serves
 * distinct paths of a hostname side by side (no path counts as a path of its own). The result holds every
 * claim, sorted by hostname, path (none first), then oldest first, whatever the input order.
 */
export function resolveClaims(claims: readonly RouteClaim[]): ResolvedClaim[] {
  const byHostname = new Map<string, RouteClaim[]>();
  for (const claim of [...claims].sort(compareAge)) {
    const group = byHostname.get(claim.hostname);
    if (group) group.push(claim);
    else byHostname.set(claim.hostname, [claim]);
  }
  return [...byHostname.values()].flatMap(resolveHostname).sort(compareResolved);
}
