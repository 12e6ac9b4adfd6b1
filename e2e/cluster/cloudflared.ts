// Finds the real `cloudflared` binary used to validate rendered configs and to check rule matching.
// Order: $CLOUDFLARED, `cloudflared` on PATH, ../shared/bin/cloudflared (beside the project), then the
// pinned release downloaded into the user's cache where the internet is reachable.
import { execFile } from 'node:child_process';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The cloudflared release the project pins, from e2e/cluster/versions.env. */
export function pinnedCloudflaredVersion(): string {
  const env = readFileSync(join(projectRoot, 'e2e/cluster/versions.env'), 'utf8');
  const match = /^CLOUDFLARED_VERSION=(\S+)$/m.exec(env);
  if (!match?.[1]) throw new Error('CLOUDFLARED_VERSION is missing from e2e/cluster/versions.env');
  return match[1];
}

async function works(path: string): Promise<boolean> {
  try {
    await run(path, ['--version'], { timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

function candidates(env: NodeJS.ProcessEnv): string[] {
  const list: string[] = [];
  if (env.CLOUDFLARED) list.push(env.CLOUDFLARED);
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) list.push(join(dir, 'cloudflared'));
  list.push(resolve(projectRoot, '../shared/bin/cloudflared'));
  return list;
}

async function download(version: string, cacheDir: string): Promise<string> {
  const target = join(cacheDir, `cloudflared-${version}`);
  if (existsSync(target)) return target;
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const url = `https://github.com/cloudflare/cloudflared/releases/download/${version}/cloudflared-linux-${arch}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  await mkdir(cacheDir, { recursive: true });
  await writeFile(`${target}.tmp`, Buffer.from(await response.arrayBuffer()));
  await chmod(`${target}.tmp`, 0o755);
  await rename(`${target}.tmp`, target);
  return target;
}

/** Returns the path of a working cloudflared binary, or throws an error that says where it looked. */
export async function findCloudflared(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const tried = candidates(env);
  for (const path of tried) {
    if (existsSync(path) && (await works(path))) return path;
  }
  const version = pinnedCloudflaredVersion();
  const cacheDir = join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cloudflare-operator');
  try {
    const downloaded = await download(version, cacheDir);
    if (await works(downloaded)) return downloaded;
    throw new Error(`${downloaded} does not run`);
  } catch (error) {
    throw new Error(
      `cloudflared not found. Looked at: ${tried.join(', ')}; downloading release ${version} failed ` +
        `(${error instanceof Error ? error.message : String(error)}). Set CLOUDFLARED to a cloudflared binary.`,
      { cause: error },
    );
  }
}

export interface IngressCheck {
  ok: boolean;
  output: string;
}

async function cloudflared(configPath: string, args: string[]): Promise<IngressCheck> {
  const binary = await findCloudflared();
  try {
    const { stdout, stderr } = await run(binary, ['tunnel', '--config', configPath, 'ingress', ...args], {
      timeout: 30_000,
    });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: unknown };
    if (typeof failed.code !== 'number') throw error;
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** `cloudflared tunnel --config FILE ingress validate`: offline, needs no credentials. */
export function validateIngress(configPath: string): Promise<IngressCheck> {
  return cloudflared(configPath, ['validate']);
}

/** `cloudflared tunnel --config FILE ingress rule URL`: prints the rule that matches the URL. */
export function matchIngressRule(configPath: string, url: string): Promise<IngressCheck> {
  return cloudflared(configPath, ['rule', url]);
}
