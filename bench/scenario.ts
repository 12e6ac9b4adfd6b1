// What every scenario gets, and how it reports.
import type { BenchCluster } from './cluster.js';
import type { Results } from './results.js';

export interface ScenarioContext {
  cluster: BenchCluster;
  results: Results;
  /** Reduced sizes (a harness check). */
  quick: boolean;
  /** Which repeat this is (0-based). */
  repeat: number;
  log(message: string): void;
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: ScenarioContext): Promise<void>;
}
