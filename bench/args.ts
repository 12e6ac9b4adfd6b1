// `npm run bench -- [--quick] [--only single,burst,...] [--repeats N] [--out FILE]`.
import { parseArgs } from 'node:util';

export const SCENARIO_NAMES = ['single', 'burst', 'steady', 'scale', 'churn', 'growth'] as const;

export interface BenchArgs {
  quick: boolean;
  only: string[];
  repeats: number;
  out: string;
  /** NODE_OPTIONS for the operator process (e.g. --max-old-space-size=100, to tell live memory from lazy GC). */
  operatorNodeOptions: string | undefined;
  /** A directory for the operator's own log lines, at debug level (to explain a timing, not to measure one). */
  operatorLogs: string | undefined;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      repeats: { type: 'string' },
      out: { type: 'string' },
      'operator-node-options': { type: 'string' },
      'operator-logs': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    throw new UsageError(
      `usage: npm run bench -- [--quick] [--only ${SCENARIO_NAMES.join(',')}] [--repeats N] [--out FILE] [--operator-node-options OPTS] [--operator-logs DIR]`,
    );
  }
  const quick = values.quick ?? false;
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SCENARIO_NAMES];
  const unknown = only.filter((s) => !(SCENARIO_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new UsageError(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIO_NAMES.join(', ')}`);
  const repeats = Number(values.repeats ?? (quick ? 1 : 3));
  if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError('--repeats must be a whole number ≥ 1');
  const out = values.out ?? (quick ? 'bench/results/RESULTS.quick.md' : 'bench/RESULTS.md');
  return {
    quick,
    only,
    repeats,
    out,
    operatorNodeOptions: values['operator-node-options'],
    operatorLogs: values['operator-logs'],
  };
}

export class UsageError extends Error {}
