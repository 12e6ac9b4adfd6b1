// Cloudflare's global API limit: 1,200 requests per 5 minutes per user, counted across all of the user's tokens
// (and its global API key); once exceeded, every call of that user is refused for the next 5 minutes with 429,
// code 971 and Retry-After in seconds (Cloudflare docs "Rate limits"). Counted over a rolling window; the block
// starts when the limit is crossed, not at the end of a fixed window.
import { fail } from './envelope.js';

export interface RateLimitSettings {
  limit: number;
  /** The counting window, and how long a user is blocked once over the limit. */
  windowMs: number;
}

export const CLOUDFLARE_LIMIT: RateLimitSettings = { limit: 1200, windowMs: 5 * 60_000 };

interface UserWindow {
  /** Times of the requests counted in the window, oldest first. */
  requests: number[];
  blockedUntil: number;
}

export class UserRateLimiter {
  private users = new Map<string, UserWindow>();

  constructor(public settings: RateLimitSettings = CLOUDFLARE_LIMIT) {}

  /** Counts a request of `user` at `now`; throws the 429 failure while the user is blocked or over the limit. */
  check(user: string, now: number): void {
    let window = this.users.get(user);
    if (!window) {
      window = { requests: [], blockedUntil: 0 };
      this.users.set(user, window);
    }
    if (now < window.blockedUntil) throw tooMany(window.blockedUntil - now);
    while (window.requests.length > 0 && (window.requests[0] as number) <= now - this.settings.windowMs) {
      window.requests.shift();
    }
    window.requests.push(now);
    if (window.requests.length > this.settings.limit) {
      window.blockedUntil = now + this.settings.windowMs;
      window.requests = [];
      throw tooMany(this.settings.windowMs);
    }
  }

  reset(settings?: RateLimitSettings): void {
    if (settings) this.settings = settings;
    this.users.clear();
  }
}

function tooMany(waitMs: number): ReturnType<typeof fail> {
  return fail(429, 971, 'Please wait and consider throttling your request speed', {
    'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
  });
}
