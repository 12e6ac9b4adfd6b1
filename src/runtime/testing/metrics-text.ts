// Reads a metric out of the Prometheus text format that /metrics serves: for the unit and e2e tests and the
// benchmarks, which look at a running operator from outside.

/** The sum of `name`'s samples whose label set contains `labels` (e.g. `controller="tunnel"`; '' for every one). */
export function metricSum(text: string, name: string, labels = ''): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!line.slice(name.length).split(' ')[0]!.includes(labels)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
