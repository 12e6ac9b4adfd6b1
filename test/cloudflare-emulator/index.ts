// Programmatic entry point of the Cloudflare API emulator (tests, benchmarks, e2e).
export { ControlClient } from './control-client.js';
export { Emulator, type CallRecord, type CallStats, type EmulatorOptions } from './emulator.js';
export type { ActiveFault, FaultRule } from './faults.js';
export type { RateLimitSettings } from './rate-limit.js';
export { startEmulator, type RunningEmulator, type StartOptions } from './server.js';
export {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_GLOBAL_KEY,
  DEFAULT_SEED,
  DEFAULT_TOKEN,
  type SeedInput,
  type SeedResult,
  type StateSnapshot,
} from './state.js';
