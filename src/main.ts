// The operator's entry point: configuration → manager (logger, metrics and health server, Kubernetes client,
// leader election) → Cloudflare gateway pool with the metrics hook → controllers → start; SIGTERM shuts down
// gracefully (finish in-flight reconciles, release the lease).
import { pathToFileURL } from 'node:url';
import { GatewayPool, type GatewayMetrics } from './cloudflare/index.js';
import { TunnelMetrics, tunnelControllers } from './controllers/tunnel/index.js';
import { Manager } from './operator/manager.js';
import { handleProcessSignals } from './operator/signals.js';
import { systemClock } from './runtime/clock.js';
import { ConfigError, HelpRequested, configHelp, parseConfig, type OperatorConfig } from './runtime/config.js';
import type { CloudflareCallObserver } from './runtime/metrics.js';

/** With resync off, what a pass confirmed on Cloudflare is still checked again after this long. */
const DEFAULT_VERIFY_PERIOD_MS = 10 * 60_000;

/** Adapts the runtime's Prometheus counters to the gateway's metrics hook. */
export function gatewayMetrics(observer: CloudflareCallObserver): GatewayMetrics {
  return {
    observeCall: ({ operation, status, durationMs }) =>
      observer.onCloudflareCall(operation, status ?? 'error', durationMs),
  };
}

/** Builds the manager with every controller registered; start() is the caller's. */
export function createOperator(config: OperatorConfig): Manager {
  const manager = new Manager({ config });
  const gateways = new GatewayPool({
    baseURL: config.cloudflareApiBaseUrl,
    timeoutMs: config.cloudflareTimeoutMs,
    instance: manager.identity,
    metrics: gatewayMetrics(manager.metrics.cloudflare),
  });
  const controllers = tunnelControllers({
    client: manager.client,
    gateways,
    events: manager.events,
    clock: systemClock,
    ownerId: config.ownerId,
    operatorNamespace: config.operatorNamespace,
    cache: manager.operator.watches,
    clusterDomain: config.clusterDomain,
    verifyPeriodMs: config.resyncPeriodMs > 0 ? config.resyncPeriodMs : DEFAULT_VERIFY_PERIOD_MS,
    metrics: new TunnelMetrics(manager.metrics.registry),
  });
  for (const registration of controllers) manager.register(registration);
  return manager;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config: OperatorConfig;
  try {
    config = parseConfig(argv, env);
  } catch (err: unknown) {
    if (err instanceof HelpRequested) {
      process.stdout.write(`${configHelp()}\n`);
      return 0;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const manager = createOperator(config);
  handleProcessSignals(manager);
  await manager.start();
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (err: unknown) => {
      process.stderr.write(
        `cloudflare-operator failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
