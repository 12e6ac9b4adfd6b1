// Pure helpers about zones: which zone a hostname belongs to, and what a zone's plan allows.
import type { PlanTier, Zone } from './types.js';

/** Lower-case, without a trailing dot: the form in which names are compared. */
export function normalizeHostname(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * The zone a hostname belongs to: the zone whose name is the longest suffix of the hostname on a
 * label boundary (`a.b.example.com` is in `b.example.com` rather than `example.com` when both exist;
 * `badexample.com` is in neither). The apex itself belongs to its zone. Wildcards match like names.
 */
export function findZoneForHostname<Z extends Pick<Zone, 'name'>>(
  hostname: string,
  zones: readonly Z[],
): Z | undefined {
  const host = normalizeHostname(hostname);
  let best: Z | undefined;
  let bestLength = -1;
  for (const zone of zones) {
    const name = normalizeHostname(zone.name);
    if (name === '') continue;
    const matches = host === name || host.endsWith(`.${name}`);
    if (matches && name.length > bestLength) {
      best = zone;
      bestLength = name.length;
    }
  }
  return best;
}

/** The SDK's plan object, reduced to the fields that tell free from paid. */
export interface PlanLike {
  legacy_id?: string | undefined;
  name?: string | undefined;
  price?: number | undefined;
}

/** Free unless the plan says otherwise; an unknown plan counts as free (the smaller limits are safe). */
export function planTierOf(plan: PlanLike | undefined): PlanTier {
  if (!plan) return 'free';
  if (plan.legacy_id !== undefined) return plan.legacy_id === 'free' ? 'free' : 'paid';
  if (typeof plan.price === 'number') return plan.price > 0 ? 'paid' : 'free';
  return 'free';
}

/** Record operations allowed in one `dns_records/batch` request (Cloudflare docs: Free 200, paid 3,500). */
export function batchLimit(tier: PlanTier): number {
  return tier === 'free' ? 200 : 3500;
}

/** Characters allowed in a DNS record comment (Free 100, paid 500; error 9313 beyond). */
export function commentLimit(tier: PlanTier): number {
  return tier === 'free' ? 100 : 500;
}
