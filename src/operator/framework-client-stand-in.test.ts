import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as standIn from './framework-client-stand-in.js';

/** The names the framework's compiled code takes from @kubernetes/client-node (`k8s.X`, `client_node_1.X`). */
function namesTheFrameworkUses(): string[] {
  const file = createRequire(import.meta.url).resolve('@dot-i/k8s-operator');
  const source = readFileSync(file, 'utf8');
  const bindings = [...source.matchAll(/const (\w+) = (?:__importStar\()?require\("@kubernetes\/client-node"\)/g)].map(
    ([, binding]) => binding,
  );
  expect(bindings.length).toBeGreaterThan(0);
  const names = new Set<string>();
  for (const binding of bindings) {
    for (const [, name] of source.matchAll(new RegExp(`(?<![.\\w])${binding ?? ''}\\.([A-Za-z_]\\w*)`, 'g'))) {
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

describe('the stand-in the bundle gives the framework for @kubernetes/client-node', () => {
  it('exports every name the framework takes from client-node', () => {
    const used = namesTheFrameworkUses();
    expect(used).toEqual(expect.arrayContaining(['CoreV1Api', 'KubeConfig', 'Watch']));
    expect(used.filter((name) => !(name in standIn))).toEqual([]);
  });

  it("takes the framework's constructor calls without doing anything", () => {
    const config = new standIn.KubeConfig();
    expect(config.loadFromDefault()).toBeUndefined();
    expect(() => config.makeApiClient()).not.toThrow();
  });

  it('fails on the first use of the API client, naming what was used', () => {
    const api = new standIn.KubeConfig().makeApiClient() as { basePath?: string };
    expect(() => api.basePath).toThrow(
      /the framework's API client \(\.basePath\): @dot-i\/k8s-operator has no Kubernetes client .* ControllerOperator must override/,
    );
  });

  it('refuses a watch and YAML loading', () => {
    expect(() => new standIn.Watch()).toThrow(/^Watch: @dot-i\/k8s-operator has no Kubernetes client/);
    expect(() => standIn.loadYaml()).toThrow(/^loadYaml: /);
  });
});
