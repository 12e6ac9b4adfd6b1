// The API server refuses a ConfigMap whose data exceeds 1 MiB, so a `local`-mode configuration that outgrows it
// cannot be written: the pass must say so before touching anything, not fail halfway. Pure.
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { DesiredState } from './desired.js';

/** The most a ConfigMap may hold: kube-apiserver's limit on the sum of its values (1 MiB). */
export const MAX_CONFIG_MAP_BYTES = 1024 * 1024;

/** Bytes the limit counts: each value's UTF-8 length, plus its key's (a few bytes of margin). */
export function configMapBytes(configMap: V1ConfigMap): number {
  let total = 0;
  for (const [key, value] of Object.entries(configMap.data ?? {})) {
    total += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  return total;
}

/** Why the desired configuration cannot be written, or undefined when it fits. */
export function configSizeProblem(desired: Pick<DesiredState, 'configMap'>): string | undefined {
  if (!desired.configMap) return undefined;
  const bytes = configMapBytes(desired.configMap);
  if (bytes <= MAX_CONFIG_MAP_BYTES) return undefined;
  return (
    `config.yaml would take ${bytes} bytes, more than the ${MAX_CONFIG_MAP_BYTES} a ConfigMap can hold: ` +
    `nothing was changed (cloudflared keeps the previous configuration); move some Services to another tunnel, ` +
    `shorten their hostnames, paths or origin-request values, or use configSource: cloudflare`
  );
}
