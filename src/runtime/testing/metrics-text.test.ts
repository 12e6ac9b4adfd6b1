import { metricSum } from './metrics-text.js';

const TEXT = [
  '# HELP cloudflare_operator_reconcile_total Reconciles.',
  '# TYPE cloudflare_operator_reconcile_total counter',
  'cloudflare_operator_reconcile_total{controller="tunnel",result="success"} 5',
  'cloudflare_operator_reconcile_total{controller="tunnel",result="error"} 2',
  'cloudflare_operator_reconcile_total{controller="cluster-tunnel",result="success"} 1',
  'cloudflare_operator_reconcile_total_created 3',
  'cloudflare_operator_leader 1',
].join('\n');

describe('metricSum', () => {
  it.each([
    ['cloudflare_operator_reconcile_total', '', 8],
    ['cloudflare_operator_reconcile_total', 'controller="tunnel"', 7],
    ['cloudflare_operator_reconcile_total', 'result="success"', 6],
    ['cloudflare_operator_leader', '', 1],
    ['cloudflare_operator_leader', 'controller="tunnel"', 0],
    ['cloudflare_operator_missing', '', 0],
  ])('%s{%s} sums to %d (a longer name, a comment or another label set is not counted)', (name, labels, sum) => {
    expect(metricSum(TEXT, name, labels)).toBe(sum);
  });
});
