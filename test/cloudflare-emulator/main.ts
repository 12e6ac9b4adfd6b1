// `npm run cloudflare:emulator [-- --port 8787 --host 127.0.0.1 --seed seed.json --rng-seed 1]`
// Environment: CF_EMULATOR_PORT, CF_EMULATOR_HOST, CF_EMULATOR_SEED (a JSON file), CF_EMULATOR_RNG_SEED.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';
import { DEFAULT_GLOBAL_KEY, DEFAULT_SEED, DEFAULT_TOKEN, type SeedInput } from './state.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'rng-seed': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: cloudflare-emulator [--port N] [--host ADDR] [--seed FILE.json] [--rng-seed N]');
    return;
  }
  const env = process.env;
  const seedFile = values.seed ?? env['CF_EMULATOR_SEED'];
  const seed = seedFile ? (JSON.parse(readFileSync(seedFile, 'utf8')) as SeedInput) : DEFAULT_SEED;
  const running = await startEmulator({
    port: Number(values.port ?? env['CF_EMULATOR_PORT'] ?? 8787),
    host: values.host ?? env['CF_EMULATOR_HOST'] ?? '127.0.0.1',
    seed,
    rngSeed: Number(values['rng-seed'] ?? env['CF_EMULATOR_RNG_SEED'] ?? 1),
  });
  console.log(`Cloudflare API emulator listening on ${running.url}`);
  console.log(`  API base URL:  ${running.apiBaseUrl}`);
  console.log(`  control API:   ${running.url}/__emulator/{state,calls,faults,reset,seed,rate-limit,clock}`);
  if (!seedFile) {
    console.log(`  API token:     ${DEFAULT_TOKEN}`);
    console.log(`  global key:    ${DEFAULT_GLOBAL_KEY.key} (email ${DEFAULT_GLOBAL_KEY.email})`);
    for (const account of DEFAULT_SEED.accounts ?? []) console.log(`  account:       ${account.id} (${account.name})`);
    for (const zone of DEFAULT_SEED.zones ?? []) console.log(`  zone:          ${zone.id} ${zone.name} (${zone.plan})`);
  }
  const stop = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
