// Every file in examples/ applied as a user would (`kubectl apply -f examples/`): the Tunnel reaches Ready and every
// annotated Service is served, so the examples never rot.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { SECRET, TUNNEL } from '../../src/controllers/shared/resources.js';
import type { TunnelLike } from '../../src/api/types.js';
import { startEmulator, type RunningEmulator } from '../../test/cloudflare-emulator/index.js';
import { adminKubeConfig, createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import { installCrds } from '../support/crds.js';
import { SimulatedCloudflared } from '../support/simulated-cloudflared.js';
import { kubectl } from '../support/tools.js';
import { cloudflaredRule, remoteConfigYaml, waitForRoute } from '../services/support.js';
import {
  API_TOKEN,
  OperatorProcess,
  apiSecret,
  create,
  getOptional,
  remove,
  waitForCondition,
  waitGone,
} from '../tunnel/support.js';

jest.setTimeout(180_000);

const examples = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples');
let emulator: RunningEmulator;
let opNs: TestNamespace;
let op: OperatorProcess;
let cloudflared: SimulatedCloudflared;

interface Manifest {
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
}

async function manifests(): Promise<Manifest[]> {
  const files = (await readdir(examples)).filter((f) => f.endsWith('.yaml')).sort();
  const docs = await Promise.all(files.map(async (f) => parseAllDocuments(await readFile(join(examples, f), 'utf8'))));
  return docs.flat().map((d) => d.toJS() as Manifest);
}

beforeAll(async () => {
  await installCrds();
  emulator = await startEmulator();
  opNs = await createTestNamespace('examples-op');
  cloudflared = SimulatedCloudflared.start(emulator.control, adminKubeConfig(), ['demo', opNs.name]);
  op = new OperatorProcess(opNs.name, emulator.apiBaseUrl);
});

afterAll(async () => {
  await remove(TUNNEL, 'demo', 'web').catch(() => undefined);
  await waitGone(TUNNEL, 'demo', 'web').catch(() => undefined);
  await op?.stop();
  await kubectl(['delete', 'namespace', 'demo', '--wait=false']);
  await cloudflared?.stop();
  await emulator?.close();
  await opNs?.delete();
});

it('kubectl apply -f examples/: the Tunnel is Ready and every annotated Service is served', async () => {
  const applied = await kubectl(['apply', '-f', examples]);
  expect(applied.code).toBe(0);
  await create(SECRET, apiSecret('demo', 'cloudflare-api', API_TOKEN));
  const all = await manifests();
  for (const tunnel of all.filter((m) => m.kind === 'Tunnel')) {
    await waitForCondition(TUNNEL, tunnel.metadata?.namespace, tunnel.metadata?.name ?? '', {
      type: 'Ready',
      status: 'True',
      op,
    });
  }
  const services = all.filter(
    (m) => m.kind === 'Service' && m.metadata?.annotations?.['cloudflare-operator.io/tunnel'],
  );
  expect(services.length).toBeGreaterThanOrEqual(2);
  for (const service of services) {
    const tunnel = service.metadata?.annotations?.['cloudflare-operator.io/tunnel'] ?? '';
    const hostname = service.metadata?.annotations?.['cloudflare-operator.io/hostnames'] ?? '';
    const route = await waitForRoute(TUNNEL, 'demo', tunnel, { hostname, state: 'Active' }, op);
    const status = (await getOptional<TunnelLike>(TUNNEL, 'demo', tunnel))?.status;
    const rule = await cloudflaredRule(
      await remoteConfigYaml(emulator, status?.tunnelId ?? ''),
      `https://${hostname}/`,
    );
    expect(rule).toBe(route.service);
    await waitFor(async () => (await emulator.control.state()).records.some((r) => r.name === hostname), {
      description: `DNS record ${hostname}`,
      giveUpIf: op.gone,
    });
  }
});
