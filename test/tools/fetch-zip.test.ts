// e2e/cluster/fetch-zip.mjs, run as build.sh runs it (node, four arguments), on zips made here: it checks the
// pinned sha256 before writing anything and extracts with Node.js alone.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateRawSync } from 'node:zlib';

const run = promisify(execFile);
const SCRIPT = join(process.cwd(), 'e2e/cluster/fetch-zip.mjs');
const BUILD_SH = join(process.cwd(), 'e2e/cluster/build.sh');

interface Entry {
  name: string;
  data?: string;
  /** Unix mode (type and permissions); default a 0644 file. */
  mode?: number;
  /** 0 stored, 8 deflated (default). */
  method?: 0 | 8;
}

/** A zip archive as the module proxy serves one: local headers, then the central directory. */
function zip(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const method = entry.method ?? 8;
    const body = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(0x031e, 4); // made by: unix
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(method, 10);
    header.writeUInt32LE(crc32(data), 16);
    header.writeUInt32LE(body.length, 20);
    header.writeUInt32LE(data.length, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    header.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(header, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const PREFIX = 'golang.org/toolchain@v0.0.1-go1.26.8.linux-amd64/';
const TOOLCHAIN: Entry[] = [
  { name: PREFIX, mode: 0o040755 },
  { name: `${PREFIX}bin/`, mode: 0o040755 },
  { name: `${PREFIX}bin/go`, data: '#!/bin/sh\necho go1.26.8\n', mode: 0o100755 },
  { name: `${PREFIX}VERSION`, data: 'go1.26.8\n', method: 0 },
  { name: `${PREFIX}src/fmt/print.go`, data: 'package fmt\n'.repeat(50) },
];

describe('fetch-zip.mjs', () => {
  let scratch: string;
  let dest: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'fetch-zip-'));
    dest = join(scratch, 'cache/go1.26.8');
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** Writes the archive and runs the script on it with a PATH that has neither unzip nor python3. */
  async function fetchZip(archive: Buffer, pinned: string): Promise<{ ok: boolean; stderr: string }> {
    const source = join(scratch, 'toolchain.zip');
    writeFileSync(source, archive);
    try {
      await run(process.execPath, [SCRIPT, source, pinned, PREFIX, dest], { env: { PATH: join(scratch, 'no-bin') } });
      return { ok: true, stderr: '' };
    } catch (error) {
      return { ok: false, stderr: String((error as { stderr?: string }).stderr) };
    }
  }

  /** What is left beside the destination (a failed run leaves no staging directory). */
  const besideDest = (): string[] => (existsSync(join(scratch, 'cache')) ? readdirSync(join(scratch, 'cache')) : []);

  it('extracts the entries under the prefix, stored or deflated, keeping the executable bit', async () => {
    const archive = zip(TOOLCHAIN);
    expect(await fetchZip(archive, sha256(archive))).toEqual({ ok: true, stderr: '' });
    expect(readFileSync(join(dest, 'bin/go'), 'utf8')).toBe('#!/bin/sh\necho go1.26.8\n');
    expect(readFileSync(join(dest, 'VERSION'), 'utf8')).toBe('go1.26.8\n');
    expect(readFileSync(join(dest, 'src/fmt/print.go'), 'utf8')).toBe('package fmt\n'.repeat(50));
    expect(statSync(join(dest, 'bin/go')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dest, 'VERSION')).mode & 0o777).toBe(0o644);
    expect(besideDest()).toEqual(['go1.26.8']);
  });

  it('refuses an archive whose sha256 is not the pinned one, and writes nothing', async () => {
    const archive = zip(TOOLCHAIN);
    const pinned = '0'.repeat(64);
    const result = await fetchZip(archive, pinned);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain(`sha256 ${sha256(archive)}, expected ${pinned}; nothing was extracted`);
    expect(besideDest()).toEqual([]);
  });

  it('refuses to run without a valid pinned sha256', async () => {
    const result = await fetchZip(zip(TOOLCHAIN), '');
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('no valid sha256 pinned');
    expect(besideDest()).toEqual([]);
  });

  it.each([
    ['an entry outside the prefix', { name: 'elsewhere/bin/go', data: 'x' }, 'is outside'],
    ['an entry that climbs out of the destination', { name: `${PREFIX}../../evil`, data: 'x' }, 'unsafe entry'],
  ])('refuses %s and leaves an existing destination as it was', async (_, bad, message) => {
    mkdirSync(dest, { recursive: true });
    writeFileSync(join(dest, 'VERSION'), 'go1.26.7\n');
    const archive = zip([...TOOLCHAIN, bad]);
    const result = await fetchZip(archive, sha256(archive));
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain(message);
    expect(readdirSync(dest)).toEqual(['VERSION']);
    expect(readFileSync(join(dest, 'VERSION'), 'utf8')).toBe('go1.26.7\n');
    expect(besideDest()).toEqual(['go1.26.8']);
    expect(existsSync(join(scratch, 'evil'))).toBe(false);
  });

  it('is what build.sh uses: the build script calls no unzip and no python', () => {
    const commands = readFileSync(BUILD_SH, 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'));
    expect(commands.filter((line) => /\b(unzip|python3?)\b/.test(line))).toEqual([]);
    expect(commands.some((line) => line.includes('fetch-zip.mjs'))).toBe(true);
  });
});
