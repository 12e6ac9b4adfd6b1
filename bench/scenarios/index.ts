// Every scenario, in the order a full run takes them.
import type { Scenario } from '../scenario.js';
import { burst500 } from './burst.js';
import { churn } from './churn.js';
import { growth } from './growth.js';
import { scale } from './scale.js';
import { single } from './single.js';
import { steady } from './steady.js';

export const SCENARIOS: readonly Scenario[] = [single, burst500, steady, scale, churn, growth];
