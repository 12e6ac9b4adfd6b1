// The cloudflared lookup (e2e/cluster/cloudflared.ts) without the network: downloads go through a fake fetch.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cacheDirectory,
  downloadCloudflared,
  findCloudflared,
  pinnedCloudflaredSha256,
} from '../../e2e/cluster/cloudflared.js';

const FAKE_BINARY = Buffer.from('#!/bin/sh\necho "cloudflared version 2026.8.2 (fake)"\n');
const FAKE_SHA256 = createHash('sha256').update(FAKE_BINARY).digest('hex');

function fakeFetch(body: Buffer) {
  const urls: string[] = [];
  const fetchImpl: typeof fetch = (input) => {
    urls.push(input instanceof Request ? input.url : input.toString());
    return Promise.resolve(new Response(new Uint8Array(body), { status: 200 }));
  };
  return { fetchImpl, urls };
}

describe('the cloudflared lookup', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'cloudflared-lookup-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('fails with a message naming every place it looked, and writes nothing, when no binary is found', async () => {
    const cwdBefore = readdirSync(process.cwd()).sort();
    const { fetchImpl, urls } = fakeFetch(FAKE_BINARY); // not the pinned release: refused
    const env = { PATH: join(scratch, 'empty-bin'), XDG_CACHE_HOME: join(scratch, 'cache') };
    const error = await findCloudflared(env, { sharedBinary: join(scratch, 'shared/cloudflared'), fetch: fetchImpl })
      .then(() => undefined)
      .catch((e: unknown) => e as Error);
    expect(error?.message).toMatch(
      /^cloudflared not found\. Looked at: .*empty-bin\/cloudflared, .*shared\/cloudflared;/,
    );
    expect(error?.message).toContain(`sha256 ${FAKE_SHA256}, expected ${pinnedCloudflaredSha256('amd64', {})}`);
    expect(error?.message).toContain('Set CLOUDFLARED to a cloudflared binary');
    expect(urls).toHaveLength(1);
    expect(readdirSync(scratch)).toEqual([]);
    expect(readdirSync(process.cwd()).sort()).toEqual(cwdBefore);
  });

  it('pins the sha256 of the release it downloads (amd64)', () => {
    expect(pinnedCloudflaredSha256('amd64', {})).toMatch(/^[0-9a-f]{64}$/);
    expect(pinnedCloudflaredSha256('amd64', { CLOUDFLARED_SHA256: 'AB'.repeat(32) })).toBe('ab'.repeat(32));
  });

  it('downloads nothing for an architecture without a pinned sha256', async () => {
    const { fetchImpl, urls } = fakeFetch(FAKE_BINARY);
    const cacheDir = join(scratch, 'cache');
    const sha256 = pinnedCloudflaredSha256('riscv64', {});
    await expect(
      downloadCloudflared('2026.8.2', cacheDir, { arch: 'riscv64', sha256, fetch: fetchImpl }),
    ).rejects.toThrow('no sha256 pinned for cloudflared 2026.8.2 linux-riscv64');
    expect(urls).toEqual([]);
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('refuses a download whose sha256 is not the pinned one, and writes nothing', async () => {
    const { fetchImpl } = fakeFetch(FAKE_BINARY);
    const cacheDir = join(scratch, 'cache');
    await expect(
      downloadCloudflared('2026.8.2', cacheDir, { arch: 'amd64', sha256: '0'.repeat(64), fetch: fetchImpl }),
    ).rejects.toThrow(`sha256 ${FAKE_SHA256}, expected ${'0'.repeat(64)}`);
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('uses a download whose sha256 matches, from the cache directory', async () => {
    const { fetchImpl, urls } = fakeFetch(FAKE_BINARY);
    const env = {
      PATH: '',
      XDG_CACHE_HOME: join(scratch, 'cache'),
      CLOUDFLARED_SHA256: FAKE_SHA256,
    };
    const found = await findCloudflared(env, { sharedBinary: join(scratch, 'none'), fetch: fetchImpl });
    expect(found).toBe(join(scratch, 'cache/cloudflare-operator/cloudflared-2026.8.2-amd64'));
    expect(statSync(found).mode & 0o111).not.toBe(0);
    expect(urls).toEqual([
      'https://github.com/cloudflare/cloudflared/releases/download/2026.8.2/cloudflared-linux-amd64',
    ]);
    expect(readdirSync(join(scratch, 'cache/cloudflare-operator'))).toEqual(['cloudflared-2026.8.2-amd64']);
  });

  it('ignores a relative XDG_CACHE_HOME (it would point into the working directory)', () => {
    expect(cacheDirectory({ XDG_CACHE_HOME: 'cache' })).not.toContain(process.cwd());
    expect(cacheDirectory({ XDG_CACHE_HOME: '' })).toMatch(/^\/.*\/\.cache\/cloudflare-operator$/);
    expect(cacheDirectory({ XDG_CACHE_HOME: '/x' })).toBe('/x/cloudflare-operator');
  });
});
