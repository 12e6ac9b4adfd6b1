// The CLI tools build.sh provides (kubectl, helm, promtool), run with the run's admin kubeconfig.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { clusterBinaries } from '../cluster/binaries.js';
import { clusterState } from './cluster.js';

const run = promisify(execFile);

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function tool(
  name: 'kubectl' | 'helm' | 'promtool',
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ToolResult> {
  const { binDir } = await clusterBinaries();
  try {
    const { stdout, stderr } = await run(join(binDir, name), args, {
      env: {
        ...process.env,
        KUBECONFIG: clusterState().kubeconfig,
        HELM_CACHE_HOME: join(clusterState().workDir, 'helm-cache'),
        HELM_CONFIG_HOME: join(clusterState().workDir, 'helm-config'),
        HELM_DATA_HOME: join(clusterState().workDir, 'helm-data'),
        ...env,
      },
      timeout: 5 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

export const kubectl = (args: string[]): Promise<ToolResult> => tool('kubectl', args);
export const helm = (args: string[]): Promise<ToolResult> => tool('helm', args);
export const promtool = (args: string[]): Promise<ToolResult> => tool('promtool', args);
