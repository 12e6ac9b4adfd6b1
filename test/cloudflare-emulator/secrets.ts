// Every credential the emulator knows: what must never show up in a log. The e2e suite scans the operator's logs for
// these values (e2e/support/log-secrets.ts).
import { tunnelToken } from './handlers/tunnels.js';
import type { EmulatorState } from './state.js';

export function credentialValues(state: EmulatorState): string[] {
  const tunnels = [...state.tunnels.values()];
  return [
    ...state.tokens.keys(),
    ...[...state.globalKeys.values()].map((k) => k.key),
    ...tunnels.map((t) => t.secret),
    ...tunnels.map(tunnelToken),
  ];
}
