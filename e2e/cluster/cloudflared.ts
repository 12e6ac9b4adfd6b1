// Finds the real `cloudflared` binary used to validate rendered configs and to check rule matching.
// Order: $CLOUDFLARED, `cloudflared` on PATH, ../shared/bin/cloudflared (beside the project), then the
// pinned release downloaded into the user's cache where the internet is reachable. A download is checked
// against a pinned sha256 (CLOUDFLARED_SHA256_<ARCH> in versions.env, or $CLOUDFLARED_SHA256) before anything
// is written; without one it is refused. Nothing is ever written into the working directory.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function versionsEnv(): string {
  return readFileSync(join(projectRoot, 'e2e/cluster/versions.env'), 'utf8');
}

/** The cloudflared release the project pins, from e2e/cluster/versions.env. */
export function pinnedCloudflaredVersion(): string {
  const match = /^CLOUDFLARED_VERSION=(\S+)$/m.exec(versionsEnv());
  if (!match?.[1]) throw new Error('CLOUDFLARED_VERSION is missing from e2e/cluster/versions.env');
  return match[1];
}

/** The sha256 the release binary for `arch` must have: $CLOUDFLARED_SHA256, else versions.env; undefined if none. */
export function pinnedCloudflaredSha256(arch: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CLOUDFLARED_SHA256) return env.CLOUDFLARED_SHA256.toLowerCase();
  const match = new RegExp(`^CLOUDFLARED_SHA256_${arch.toUpperCase()}=([0-9a-fA-F]{64})$`, 'm').exec(versionsEnv());
  return match?.[1]?.toLowerCase();
}

/** `$XDG_CACHE_HOME/cloudflare-operator`; a relative or empty XDG_CACHE_HOME is ignored, as the XDG spec says. */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(base, 'cloudflare-operator');
}

async function works(path: string): Promise<boolean> {
  try {
    await run(path, ['--version'], { timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

export interface LookupOptions {
  /** Default: ../shared/bin/cloudflared beside the project. */
  sharedBinary?: string;
  /** Default: global fetch. */
  fetch?: typeof fetch;
}

function candidates(env: NodeJS.ProcessEnv, options: LookupOptions): string[] {
  const list: string[] = [];
  if (env.CLOUDFLARED) list.push(env.CLOUDFLARED);
  for (const dir of (env.PATH ?? '').split(delimiter).filter(isAbsolute)) list.push(join(dir, 'cloudflared'));
  list.push(options.sharedBinary ?? resolve(projectRoot, '../shared/bin/cloudflared'));
  return list;
}

/** Downloads the release into `cacheDir` once; the bytes must match `sha256` before anything is written. */
export async function downloadCloudflared(
  version: string,
  cacheDir: string,
  options: { arch: string; sha256: string | undefined; fetch?: typeof fetch },
): Promise<string> {
  const target = join(cacheDir, `cloudflared-${version}-${options.arch}`);
  if (existsSync(target)) return target;
  if (!options.sha256) {
    throw new Error(
      `no sha256 pinned for cloudflared ${version} linux-${options.arch}: set CLOUDFLARED_SHA256_${options.arch.toUpperCase()} ` +
        'in e2e/cluster/versions.env (from the release notes) or CLOUDFLARED_SHA256',
    );
  }
  const url = `https://github.com/cloudflare/cloudflared/releases/download/${version}/cloudflared-linux-${options.arch}`;
  const response = await (options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== options.sha256) throw new Error(`GET ${url}: sha256 ${actual}, expected ${options.sha256}`);
  await mkdir(cacheDir, { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  try {
    await writeFile(partial, body, { mode: 0o755 });
    await chmod(partial, 0o755);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  return target;
}

/** Returns the path of a working cloudflared binary, or throws an error that says where it looked. */
export async function findCloudflared(
  env: NodeJS.ProcessEnv = process.env,
  options: LookupOptions = {},
): Promise<string> {
  const tried = candidates(env, options);
  for (const path of tried) {
    if (existsSync(path) && (await works(path))) return path;
  }
  const version = pinnedCloudflaredVersion();
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  try {
    const sha256 = pinnedCloudflaredSha256(arch, env);
    const downloaded = await downloadCloudflared(version, cacheDirectory(env), { arch, sha256, fetch: options.fetch });
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
