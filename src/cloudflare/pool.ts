// One gateway (and one rate limiter) per credential, shared by every Tunnel that uses it.
import { systemClock } from '../runtime/clock.js';
import { credentialKey } from './credentials.js';
import { createGateway, type CloudflareGateway, type GatewayOptions } from './gateway.js';
import { CLOUDFLARE_RATE_LIMIT, RateLimitPause, TokenBucket, type RateLimitOptions } from './rate-limiter.js';
import type { CloudflareCredentials } from './types.js';

/** Everything a gateway needs except the credential and limiter, which the pool supplies. */
export type PoolOptions = Omit<GatewayOptions, 'credentials' | 'limiter' | 'pause'> & {
  rateLimit?: RateLimitOptions;
};

export class GatewayPool {
  private readonly gateways = new Map<string, CloudflareGateway>();

  constructor(private readonly options: PoolOptions = {}) {}

  /** The gateway for this credential, created on first use. Keyed by a hash, never the secret. */
  get(credentials: CloudflareCredentials): CloudflareGateway {
    const key = credentialKey(credentials);
    let gateway = this.gateways.get(key);
    if (!gateway) {
      const { rateLimit, ...rest } = this.options;
      const clock = rest.clock ?? systemClock;
      const limiter = new TokenBucket(rateLimit ?? CLOUDFLARE_RATE_LIMIT, clock);
      gateway = createGateway({ ...rest, credentials, limiter, pause: new RateLimitPause(clock) });
      this.gateways.set(key, gateway);
    }
    return gateway;
  }

  /** Forgets a credential (e.g. its Secret was deleted or rotated). */
  forget(credentials: CloudflareCredentials): boolean {
    return this.gateways.delete(credentialKey(credentials));
  }

  get size(): number {
    return this.gateways.size;
  }
}
