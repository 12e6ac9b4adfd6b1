// `npm run demo`: the operator's main job on a local sandbox. Starts a real local cluster and the Cloudflare API
// emulator, installs the chart (CRDs, RBAC, ServiceAccount; the operator itself runs here, under the chart's
// ServiceAccount token), applies examples/ (a Tunnel, a web app and an SSH server with annotated Services), and
// shows what a user would want to see: the tunnels, the DNS records with their ownership comments, the
// configuration cloudflared got, and what the real cloudflared resolves each hostname to. Then it changes one
// annotation and shows the record and the rule follow. Ctrl-C stops everything; `--once` exits by itself.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { launchClusterDaemon, stopClusterDaemon } from '../e2e/cluster/launch.js';
import { matchIngressRule } from '../e2e/cluster/cloudflared.js';
import { waitFor } from '../e2e/cluster/wait.js';
import { adminKubeConfig } from '../e2e/support/cluster.js';
import { serviceAccountKubeconfig } from '../e2e/support/service-account.js';
import { SimulatedCloudflared } from '../e2e/support/simulated-cloudflared.js';
import { helm, kubectl } from '../e2e/support/tools.js';
import { DEFAULT_SEED, DEFAULT_TOKEN, startEmulator, type RunningEmulator } from '../test/cloudflare-emulator/index.js';

const root = resolve(import.meta.dirname, '..');
const once = process.argv.includes('--once');
const RELEASE = 'cloudflare-operator';
const NAMESPACE = 'cloudflare-operator';

function step(text: string): void {
  process.stdout.write(`\n==> ${text}\n`);
}

async function show(args: string[]): Promise<string> {
  const result = await kubectl(args);
  process.stdout.write(`$ kubectl ${args.join(' ')}\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

async function must(what: string, result: Promise<{ code: number; stderr: string }>): Promise<void> {
  const done = await result;
  if (done.code !== 0) throw new Error(`${what} failed: ${done.stderr}`);
}

async function routes(): Promise<{ hostname: string; state: string; service: string }[]> {
  const out = await kubectl(['get', 'tunnel', 'web', '-n', 'demo', '-o', 'jsonpath={.status.routes}']);
  return out.stdout ? (JSON.parse(out.stdout) as { hostname: string; state: string; service: string }[]) : [];
}

async function showRecords(emulator: RunningEmulator): Promise<void> {
  const { records } = await emulator.control.state();
  process.stdout.write('DNS records in the emulator (name → target, comment):\n');
  for (const r of records) process.stdout.write(`  ${r.name} ${r.type} → ${r.content}  [${r.comment ?? ''}]\n`);
}

/**
 * The configuration the tunnel got pushed, the version its connectors report running (what makes a route Active),
 * and what the real cloudflared resolves each hostname to.
 */
async function showConfiguration(emulator: RunningEmulator, workDir: string, hostnames: string[]): Promise<void> {
  const id = (await kubectl(['get', 'tunnel', 'web', '-n', 'demo', '-o', 'jsonpath={.status.tunnelId}'])).stdout;
  const tunnel = (await emulator.control.state()).tunnels.find((t) => t.id === id);
  const yaml = stringify({ tunnel: id, 'credentials-file': '/dev/null', ...(tunnel?.config.config ?? {}) });
  process.stdout.write(`remote configuration of tunnel ${id} (version ${tunnel?.config.version ?? 0}):\n${yaml}`);
  const connectors = (await kubectl(['get', 'tunnel', 'web', '-n', 'demo', '-o', 'jsonpath={.status.connectors}']))
    .stdout;
  const seen = connectors
    ? (JSON.parse(connectors) as { count: number; colos: string[]; configVersion?: number })
    : undefined;
  process.stdout.write(
    `connectors Cloudflare reports (status.connectors): ${seen?.count ?? 0} in ${seen?.colos.join(', ') ?? '-'}, ` +
      `running configuration version ${seen?.configVersion ?? '-'}\n`,
  );
  const file = join(workDir, 'pushed-config.yaml');
  await writeFile(file, yaml);
  for (const hostname of hostnames) {
    const match = await matchIngressRule(file, `https://${hostname}/`);
    const service = /service:\s*(\S+)/.exec(match.output)?.[1] ?? match.output.trim();
    process.stdout.write(`  cloudflared tunnel ingress rule https://${hostname}/ → ${service}\n`);
  }
}

function waitForRoutes(want: string[], gone: () => string | undefined): Promise<true> {
  return waitFor(
    async () => {
      const active = (await routes()).filter((r) => r.state === 'Active').map((r) => r.hostname);
      return want.every((h) => active.includes(h)) && active.length === want.length ? true : undefined;
    },
    { timeoutMs: 120_000, description: `routes ${want.join(', ')} Active`, giveUpIf: gone },
  );
}

async function main(): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'cfo-demo-'));
  step('starting a local Kubernetes cluster (first run builds its binaries, ~10 min)');
  const cluster = await launchClusterDaemon({ workDir, detached: false });
  process.env.E2E_CLUSTER_STATE = join(workDir, 'state.json');
  process.stdout.write(`API server ${cluster.server}; export KUBECONFIG=${cluster.kubeconfig}\n`);

  step('starting the Cloudflare API emulator');
  const emulator = await startEmulator({ port: 0, seed: DEFAULT_SEED });
  // The cluster's kwok pods run nothing: simulated connectors stand in for cloudflared, connected once ready.
  const cloudflared = SimulatedCloudflared.start(emulator.control, adminKubeConfig());
  process.stdout.write(`Cloudflare API emulator at ${emulator.apiBaseUrl} (cloudflared connectors simulated)\n`);

  step('helm install: CRDs, RBAC and the ServiceAccount (replicas=0: the operator runs on this machine instead)');
  const chart = join(root, 'charts', 'cloudflare-operator');
  await must(
    'helm install',
    helm([
      'install',
      RELEASE,
      chart,
      '-n',
      NAMESPACE,
      '--create-namespace',
      '--set',
      'ownerId=demo',
      '--set',
      'replicas=0',
      '--set',
      `cloudflare.apiBaseUrl=${emulator.apiBaseUrl}`,
      '--wait',
    ]),
  );

  step('kubectl apply -f examples/ (and the API token Secret)');
  await show(['apply', '-f', join(root, 'examples')]);
  await show([
    '-n',
    'demo',
    'create',
    'secret',
    'generic',
    'cloudflare-api',
    `--from-literal=apiToken=${DEFAULT_TOKEN}`,
  ]);

  step("running the operator under the chart's ServiceAccount token");
  const kubeconfig = await serviceAccountKubeconfig(NAMESPACE, RELEASE, workDir);
  const log = join(workDir, 'operator.log');
  // node --import tsx rather than the tsx CLI, which forks a second process that signals would miss.
  const operator = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      KUBECONFIG: kubeconfig,
      OWNER_ID: 'demo',
      OPERATOR_NAMESPACE: NAMESPACE,
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
  const gone = (): string | undefined => (operator.exitCode === null ? undefined : `the operator exited (${log})`);

  const stop = async (): Promise<void> => {
    operator.kill('SIGTERM');
    await cloudflared.stop();
    await emulator.close();
    await stopClusterDaemon(cluster);
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));

  await waitForRoutes(['web.example.com', 'ssh.example.com'], gone);
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
    { timeoutMs: 120_000, description: 'Tunnel demo/web Ready', giveUpIf: gone },
  );
  step('the Services are published');
  await show(['get', 'tunnels', '-A']);
  await show([
    'get',
    'tunnel',
    'web',
    '-n',
    'demo',
    '-o',
    'custom-columns=HOSTNAME:.status.routes[*].hostname,SERVICE:.status.routes[*].service,STATE:.status.routes[*].state',
  ]);
  await showRecords(emulator);
  await showConfiguration(emulator, workDir, ['web.example.com', 'ssh.example.com', 'nothing.example.com']);

  step('changing one annotation: web.example.com → www.example.com');
  await show([
    '-n',
    'demo',
    'annotate',
    'service',
    'web',
    '--overwrite',
    'cloudflare-operator.io/hostnames=www.example.com',
  ]);
  await waitForRoutes(['www.example.com', 'ssh.example.com'], gone);
  await showRecords(emulator);
  await showConfiguration(emulator, workDir, ['www.example.com', 'web.example.com']);
  await show(['-n', 'demo', 'get', 'events', '--field-selector', 'involvedObject.kind=Service']);

  if (once) {
    await stop();
    return;
  }
  step('running. Try, with the KUBECONFIG above:');
  const id = (await kubectl(['get', 'tunnel', 'web', '-n', 'demo', '-o', 'jsonpath={.status.tunnelId}'])).stdout;
  const pickup = `${emulator.url}/__emulator/tunnels/${id}/config-pickup`;
  const version = (await emulator.control.state()).tunnels.find((t) => t.id === id)?.config.version ?? 0;
  process.stdout.write(
    [
      '  kubectl -n demo annotate service ssh cloudflare-operator.io/hostnames=git.example.com --overwrite',
      '  kubectl -n demo annotate service web cloudflare-operator.io/protocol=gopher --overwrite   # see describe',
      '  kubectl -n demo describe service web',
      '  kubectl get tunnels -A -o wide',
      '  kubectl -n demo delete service ssh',
      '  # cloudflared that stays behind: new routes stay Pending until it catches up',
      `  curl -X PUT ${pickup} -d '{"holdAt": ${version}}'   # then change an annotation; kubectl -n demo describe tunnel web`,
      `  curl -X PUT ${pickup} -d '{"holdAt": null}'`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
