// A small operator built only from the runtime, run as a child process by the runtime e2e tests. It is what
// src/main.ts will look like: parse config → Manager → register controllers → start → signal handling.
//   probe  (Probe, with status): adds a finalizer, writes a Ready condition with observedGeneration and the
//          writer (POD_NAME), removes the finalizer on deletion; owns ConfigMaps (ownerReferences). A Probe whose
//          spec.message is "tick" is written again every TICK_MS, counting status.ticks: a leader that keeps
//          writing, for the leader-election test. Each status write is logged (`probe status write`) before
//          it is sent.
//   flaky  (Flaky, no status): only logs; its CRD gets deleted under it to break its watch.
// Every reconcile logs `probe reconciled` / `flaky reconciled` with the key, for the tests to follow.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ConfigError, HelpRequested, configHelp, parseConfig } from '../../src/runtime/config.js';
import { setCondition, type Condition } from '../../src/runtime/conditions.js';
import { isNotFound } from '../../src/runtime/errors.js';
import { addFinalizer, removeFinalizer } from '../../src/runtime/finalizers.js';
import { parseKey } from '../../src/runtime/keys.js';
import { systemClock } from '../../src/runtime/clock.js';
import { updateStatus } from '../../src/runtime/status.js';
import { Manager } from '../../src/operator/manager.js';
import { handleProcessSignals } from '../../src/operator/signals.js';
import { CONFIGMAP, FIXTURE_FINALIZER, FLAKY, PROBE } from './resources.js';

export interface Probe extends KubernetesObject {
  spec?: { message?: string };
  status?: { conditions?: Condition[]; message?: string; writer?: string; ticks?: number };
}

const TICK_MS = 200;

function main(): void {
  let config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err: unknown) {
    if (err instanceof HelpRequested) {
      process.stdout.write(`${configHelp()}\n`);
      return;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const manager = new Manager({ config });
  const { client, logger } = manager;

  manager.register({
    name: 'probe',
    primary: { type: PROBE },
    owns: [{ type: CONFIGMAP }],
    reconcile: async ({ key, log, signal }) => {
      const { namespace, name } = parseKey(key);
      let probe: Probe;
      try {
        probe = await client.get<Probe>(PROBE, namespace, name);
      } catch (err: unknown) {
        if (isNotFound(err)) return;
        throw err;
      }
      log.info('probe reconciled', { generation: probe.metadata?.generation });
      if (probe.metadata?.deletionTimestamp) {
        await removeFinalizer(client, PROBE, probe, FIXTURE_FINALIZER);
        return;
      }
      const added = await addFinalizer(client, PROBE, probe, FIXTURE_FINALIZER);
      if (signal.aborted) return;
      const ticking = probe.spec?.message === 'tick';
      await updateStatus(client, PROBE, added.object ?? probe, (current) => {
        signal.throwIfAborted(); // leadership may have gone while the current status was read: no write then
        const ticks = ticking ? (current.status?.ticks ?? 0) + 1 : undefined;
        log.info('probe status write', { ticks });
        return {
          message: current.spec?.message ?? '',
          writer: config.podName,
          ...(ticks === undefined ? {} : { ticks }),
          conditions: setCondition(
            current.status?.conditions,
            { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'probe is reconciled' },
            current.metadata?.generation,
            systemClock.now(),
          ).conditions,
        };
      });
      return ticking ? { requeueAfterMs: TICK_MS } : undefined;
    },
  });
  manager.register({
    name: 'flaky',
    primary: { type: FLAKY },
    reconcile: ({ key, log }) => {
      log.info('flaky reconciled', { key });
      return Promise.resolve();
    },
  });

  handleProcessSignals(manager);
  manager.start().catch((err: unknown) => {
    logger.error('start failed', { err });
    process.exitCode = 1;
    void manager.shutdown('start failed');
  });
}

main();
