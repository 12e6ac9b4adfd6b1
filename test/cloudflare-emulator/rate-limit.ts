// Cloudflare's global API limit: 1200 requests per 5 minutes per user; beyond it every call is
// answered 429 until the window ends, with Retry-After in seconds.
import { fail } from './envelope.js';

export interface RateLimitSettings {
  limit: number;
  windowMs: number;
}

export const CLOUDFLARE_LIMIT: RateLimitSettings = { limit: 1200, windowMs: 5 * 60_000 };

export class FixedWindowLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(public settings: RateLimitSettings = CLOUDFLARE_LIMIT) {}

  /** Counts a request for `key` at `now`; throws the 429 failure when over the limit. */
  check(key: string, now: number): void {
    let window = this.windows.get(key);
    if (!window || now >= window.start + this.settings.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count > this.settings.limit) {
      const retryAfter = Math.max(1, Math.ceil((window.start + this.settings.windowMs - now) / 1000));
      throw fail(429, 971, 'Please wait and consider throttling your request speed', {
        'retry-after': String(retryAfter),
      });
    }
  }

  reset(settings?: RateLimitSettings): void {
    if (settings) this.settings = settings;
    this.windows.clear();
  }
}
