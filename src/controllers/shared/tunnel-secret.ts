// Lets the reconciler choose the secret a tunnel is created with. The gateway generates tunnel secrets through
// its `randomBytes` option; main.ts hands it `tunnelSecretBytes`, which returns the secret set for the current
// async call chain by `withTunnelSecret`, so the secret stored in the credentials Secret BEFORE the create call
// is the one Cloudflare gets. Outside such a call chain it is plain crypto randomness.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

const chosen = new AsyncLocalStorage<Buffer>();

/** 32 random bytes, base64: a new tunnel secret. */
export function newTunnelSecret(): string {
  return randomBytes(32).toString('base64');
}

/** Runs `fn` so that a tunnel created inside it gets `secretBase64` as its secret. */
export function withTunnelSecret<T>(secretBase64: string, fn: () => Promise<T>): Promise<T> {
  return chosen.run(Buffer.from(secretBase64, 'base64'), fn);
}

/** For the gateway's `randomBytes` option. */
export function tunnelSecretBytes(size: number): Buffer {
  const secret = chosen.getStore();
  return secret && secret.length === size ? Buffer.from(secret) : randomBytes(size);
}
