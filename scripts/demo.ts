// `npm run demo`: the operator's main job on a local sandbox. Starts a real local cluster and the Cloudflare
// API emulator, installs the CRDs, runs the operator (src/main.ts) against both, creates a Tunnel and waits
// until it is Ready, then shows what the operator made. Ctrl-C stops everything; `--once` exits by itself.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchClusterDaemon, stopClusterDaemon } from '../e2e/cluster/launch.js';
import { waitFor } from '../e2e/cluster/wait.js';
import { installCrds } from '../e2e/support/crds.js';
import { kubectl } from '../e2e/support/tools.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_SEED, DEFAULT_TOKEN, startEmulator } from '../test/cloudflare-emulator/index.js';

const root = resolve(import.meta.dirname, '..');
const once = process.argv.includes('--once');

function step(text: string): void {
  process.stdout.write(`\n==> ${text}\n`);
}

async function show(args: string[]): Promise<void> {
  const result = await kubectl(args);
  process.stdout.write(`$ kubectl ${args.join(' ')}\n${result.stdout}${result.stderr}`);
}

const manifests = (zone: string): string => `
apiVersion: v1
kind: Namespace
metadata: { name: demo }
---
apiVersion: v1
kind: Namespace
metadata: { name: cloudflare-operator }
---
apiVersion: v1
kind: Secret
metadata: { name: cloudflare-api, namespace: demo }
stringData: { apiToken: ${DEFAULT_TOKEN} }
---
apiVersion: cloudflare-operator.io/v1alpha1
kind: Tunnel
metadata: { name: web, namespace: demo }
spec:
  cloudflare:
    accountId: ${DEFAULT_ACCOUNT_ID}
    credentialsSecretRef: { name: cloudflare-api }
    zones: [${zone}]
  configSource: local
  cloudflared: { replicas: 2 }
`;

async function main(): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'cfo-demo-'));
  step('starting a local Kubernetes cluster (first run builds its binaries, ~10 min)');
  const cluster = await launchClusterDaemon({ workDir, detached: false });
  process.env.E2E_CLUSTER_STATE = join(workDir, 'state.json');
  process.stdout.write(`API server ${cluster.server}; export KUBECONFIG=${cluster.kubeconfig}\n`);

  step('starting the Cloudflare API emulator');
  const emulator = await startEmulator({ port: 0, seed: DEFAULT_SEED });
  process.stdout.write(`Cloudflare API emulator at ${emulator.apiBaseUrl}\n`);

  step('installing the CRDs and a Tunnel');
  await installCrds();
  const manifestFile = join(workDir, 'demo.yaml');
  await writeFile(manifestFile, manifests(DEFAULT_SEED.zones?.[0]?.name ?? 'example.com'));
  await show(['apply', '-f', manifestFile]);

  step('running the operator');
  const log = join(workDir, 'operator.log');
  // node --import tsx rather than the tsx CLI, which forks a second process that signals would miss.
  const operator = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      KUBECONFIG: cluster.kubeconfig,
      OWNER_ID: 'demo',
      OPERATOR_NAMESPACE: 'cloudflare-operator',
      CLOUDFLARE_API_BASE_URL: emulator.apiBaseUrl,
      LEADER_ELECT: 'false',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(log);
  operator.stdout.pipe(out);
  operator.stderr.pipe(out);
  process.stdout.write(`operator logs: ${log}\n`);

  const stop = async (): Promise<void> => {
    operator.kill('SIGTERM');
    await emulator.close();
    await stopClusterDaemon(cluster);
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));

  await waitFor(
    async () =>
      (
        await kubectl([
          'get',
          'tunnel',
          'web',
          '-n',
          'demo',
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ])
      ).stdout === 'True',
    {
      timeoutMs: 120_000,
      description: 'Tunnel demo/web Ready',
      giveUpIf: () => (operator.exitCode === null ? undefined : `the operator exited (${log})`),
    },
  );
  step('the Tunnel is Ready');
  await show(['get', 'tunnels', '-A']);
  await show([
    'get',
    'deployments,configmaps,secrets,poddisruptionbudgets',
    '-n',
    'demo',
    '-l',
    'app.kubernetes.io/managed-by=cloudflare-operator',
  ]);
  const { tunnels } = await emulator.control.state();
  process.stdout.write(
    `tunnels in the emulator: ${JSON.stringify(tunnels.map((t) => ({ id: t.id, name: t.name })))}\n`,
  );

  if (once) {
    await stop();
    return;
  }
  step('running: try `kubectl -n demo scale`, edit the Tunnel, or delete it. Ctrl-C stops everything.');
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
