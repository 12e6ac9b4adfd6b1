// Child processes of the local cluster. Each one is started under `setpriv --pdeathsig SIGKILL` when the
// machine has it, so that no component outlives the process that started it, even when that one is killed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

const hasSetpriv = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Starts `binary args` with stdout/stderr appended to `<logDir>/<name>.log`. */
export function startProcess(name: string, binary: string, args: string[], logDir: string): ManagedProcess {
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const [command, commandArgs] = hasSetpriv
    ? ['setpriv', ['--pdeathsig', 'SIGKILL', '--', binary, ...args]]
    : [binary, args];
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.on('error', () => resolve('spawn-error'));
  });
  return { name, child, exited };
}

/** Why the process is no longer running, or undefined while it runs. */
export function exitReason(process: ManagedProcess): string | undefined {
  const { exitCode, signalCode } = process.child;
  if (exitCode === null && signalCode === null) return undefined;
  return `${process.name} exited (${exitCode ?? signalCode})`;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(process: ManagedProcess, graceMs = 10_000): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  process.child.kill('SIGTERM');
  const timer = setTimeout(() => process.child.kill('SIGKILL'), graceMs);
  await process.exited;
  clearTimeout(timer);
}
