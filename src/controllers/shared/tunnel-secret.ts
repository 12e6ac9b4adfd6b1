// New tunnel secrets. The reconciler makes the secret itself and stores it in the credentials Secret BEFORE
// the create call, so that a crash between creating the tunnel and saving its secret cannot lose it.
import { randomBytes } from 'node:crypto';

/** 32 random bytes, base64: a new tunnel secret. */
export function newTunnelSecret(): string {
  return randomBytes(32).toString('base64');
}
