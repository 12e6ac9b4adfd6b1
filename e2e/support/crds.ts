// Installs the project's CRDs (crds/*.yaml) into the run's cluster and waits until they are served.
// Through kubectl: client-node's typed create would drop the schema keys its models spell differently
// (x-kubernetes-validations, enum), silently weakening the CRD.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { kubectl } from './tools.js';

const crdDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../crds');

export function installCrds(): Promise<void> {
  return applyCrds(crdDir);
}

/**
 * The CRDs as an older release (or a hand-edited install) had them: without the transition rules (`oldSelf`), so
 * that any field can be edited, as on objects stored before those rules. The API server takes a moment to enforce
 * a changed schema: callers wait for the edit they need to be accepted. installCrds() puts the real ones back.
 */
export async function installCrdsWithoutTransitionRules(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'crds-'));
  try {
    for (const file of await readdir(crdDir)) {
      const crd: unknown = parse(await readFile(join(crdDir, file), 'utf8'));
      await writeFile(join(dir, file), stringify(withoutTransitionRules(crd)));
    }
    await applyCrds(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function withoutTransitionRules(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutTransitionRules);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === 'x-kubernetes-validations'
        ? (value as { rule: string }[]).filter((v) => !v.rule.includes('oldSelf'))
        : withoutTransitionRules(value);
  }
  return out;
}

async function applyCrds(dir: string): Promise<void> {
  const applied = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', dir]);
  if (applied.code !== 0) throw new Error(`kubectl apply ${dir}: ${applied.stderr}`);
  const established = await kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', dir]);
  if (established.code !== 0) throw new Error(`CRDs not Established: ${established.stderr}`);
}
