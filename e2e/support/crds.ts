// Installs the project's CRDs (crds/*.yaml) into the run's cluster and waits until they are served.
// Through kubectl: client-node's typed create would drop the schema keys its models spell differently
// (x-kubernetes-validations, enum), silently weakening the CRD.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectl } from './tools.js';

const crdDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../crds');

export async function installCrds(): Promise<void> {
  const applied = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', crdDir]);
  if (applied.code !== 0) throw new Error(`kubectl apply ${crdDir}: ${applied.stderr}`);
  const established = await kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', crdDir]);
  if (established.code !== 0) throw new Error(`CRDs not Established: ${established.stderr}`);
}
