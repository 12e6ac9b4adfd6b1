// Downloads a zip, checks its sha256 and extracts the entries under a prefix, with nothing but Node.js (which
// the project needs anyway): a bare Debian has neither unzip nor python3. Used by build.sh for the Go toolchain.
//
//   node fetch-zip.mjs SOURCE SHA256 PREFIX DEST
//
// SOURCE is an https URL, a file:// URL (a GOPROXY=file://… mirror) or a local path. Nothing is written unless the checksum matches; DEST is replaced
// only once every entry has been extracted. Zip64 archives and entries outside PREFIX are refused.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

async function load(source) {
  if (source.startsWith('file://')) return readFile(fileURLToPath(source));
  if (!/^https?:\/\//.test(source)) return readFile(source);
  const response = await fetch(source, { signal: AbortSignal.timeout(600_000) });
  if (!response.ok) throw new Error(`GET ${source}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The entries of the central directory: name, method, sizes, unix mode and where the local header is. */
function entries(zip) {
  const min = Math.max(0, zip.length - 65_557);
  let end = -1;
  for (let at = zip.length - 22; at >= min; at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) throw new Error('zip64 archives are not supported');
  const list = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    list.push({
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      mode: zip.readUInt32LE(at + 38) >>> 16,
      offset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at = next;
  }
  return list;
}

function contents(zip, entry) {
  const at = entry.offset;
  if (zip.readUInt32LE(at) !== 0x04034b50) throw new Error(`bad local header for ${entry.name}`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  const data = entry.method === 0 ? raw : entry.method === 8 ? inflateRawSync(raw) : undefined;
  if (!data) throw new Error(`${entry.name}: compression method ${entry.method} is not supported`);
  if (data.length !== entry.size) throw new Error(`${entry.name}: ${data.length} bytes, expected ${entry.size}`);
  return data;
}

export async function fetchZip(source, sha256, prefix, dest) {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`no valid sha256 pinned for ${source} (got "${sha256}")`);
  const zip = await load(source);
  const actual = createHash('sha256').update(zip).digest('hex');
  if (actual !== sha256) throw new Error(`${source}: sha256 ${actual}, expected ${sha256}; nothing was extracted`);
  const staging = `${dest}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    for (const entry of entries(zip)) {
      if (!entry.name.startsWith(prefix)) throw new Error(`entry ${entry.name} is outside ${prefix}`);
      const relative = normalize(entry.name.slice(prefix.length));
      if (relative.startsWith('..') || relative.startsWith(sep)) throw new Error(`unsafe entry ${entry.name}`);
      if (entry.name.endsWith('/')) continue;
      const target = join(staging, relative);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, contents(zip, entry), { mode: entry.mode & 0o777 || 0o644 });
    }
    await rm(dest, { recursive: true, force: true });
    await mkdir(dirname(dest), { recursive: true });
    await rename(staging, dest);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [source, sha256, prefix, dest] = process.argv.slice(2);
  if (!source || sha256 === undefined || prefix === undefined || !dest) {
    console.error('usage: node fetch-zip.mjs SOURCE SHA256 PREFIX DEST');
    process.exit(2);
  }
  fetchZip(source, sha256, prefix, dest).catch((error) => {
    console.error(`fetch-zip: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
