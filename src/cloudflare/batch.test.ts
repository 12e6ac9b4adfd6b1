import { applyInChunks, batchOperations, chunkBatch, type DnsOperation } from './batch.js';
import { CloudflareApiError, type ErrorKind } from './errors.js';
import { tunnelCname } from './records.js';
import type { DnsBatch, DnsRecord, DnsRecordInput } from './types.js';

const post = (n: number) => tunnelCname(`h${n}.example.com`, 't', `c${n}`);
const put = (n: number) => ({ id: `p${n}`, ...post(n) });
const batchOf = (deletes: number, puts: number, posts: number): DnsBatch => ({
  deletes: Array.from({ length: deletes }, (_, i) => ({ id: `d${i}` })),
  patches: [],
  puts: Array.from({ length: puts }, (_, i) => put(i)),
  posts: Array.from({ length: posts }, (_, i) => post(i)),
});
const apiError = (kind: ErrorKind) =>
  new CloudflareApiError({ kind, operation: 'dns', status: 400, codes: [], retryAfterMs: undefined, cause: undefined });
/** What the server answers for a written record: the record with an ID. */
const stored = (record: DnsRecordInput & { id?: string }): DnsRecord => ({
  ...record,
  id: record.id ?? `new-${record.name}`,
  comment: record.comment,
});
const writtenBy = (chunk: DnsBatch): DnsRecord[] =>
  [...chunk.patches, ...chunk.puts, ...chunk.posts].map((r) => stored(r as DnsRecordInput & { id?: string }));
const label = (op: DnsOperation) => (op.kind === 'delete' ? `delete ${op.id}` : `${op.kind} ${op.record.name}`);

describe('chunkBatch', () => {
  it('keeps server order across chunks: deletes, patches, puts, posts', () => {
    const chunks = chunkBatch(batchOf(3, 2, 4), 4);
    expect(chunks.map((c) => batchOperations(c).map(label))).toEqual([
      ['delete d0', 'delete d1', 'delete d2', 'put h0.example.com'],
      ['put h1.example.com', 'post h0.example.com', 'post h1.example.com', 'post h2.example.com'],
      ['post h3.example.com'],
    ]);
  });

  it.each([
    [0, 200, 0],
    [1, 200, 1],
    [200, 200, 1],
    [201, 200, 2],
    [450, 200, 3],
    [3500, 3500, 1],
    [3501, 3500, 2],
  ])('%i operations with limit %i → %i requests', (ops, limit, requests) => {
    const chunks = chunkBatch(batchOf(0, 0, ops), limit);
    expect(chunks).toHaveLength(requests);
    expect(chunks.every((c) => c.posts.length <= limit)).toBe(true);
  });

  it('accepts a limit of one operation per chunk', () => {
    expect(chunkBatch(batchOf(1, 0, 1), 1)).toHaveLength(2);
  });

  it('refuses a useless limit', () => {
    expect(() => chunkBatch(batchOf(1, 0, 0), 0)).toThrow('batch limit must be a positive integer');
    expect(() => chunkBatch(batchOf(1, 0, 0), 0)).toThrow(RangeError);
  });
});

describe('applyInChunks', () => {
  it('sends each chunk once when all succeed', async () => {
    const sent: DnsBatch[] = [];
    const result = await applyInChunks(batchOf(1, 1, 3), 2, {
      batch: (chunk) => {
        sent.push(chunk);
        return Promise.resolve(writtenBy(chunk));
      },
      single: () => Promise.reject(new Error('unexpected')),
    });
    expect(sent).toHaveLength(3);
    expect(result).toEqual({
      applied: 5,
      written: expect.any(Array) as unknown,
      removed: ['d0'],
      failures: [],
      batches: 3,
      fallbacks: 0,
    });
    expect(result.written.map((r) => r.id)).toEqual([
      'p0',
      'new-h0.example.com',
      'new-h1.example.com',
      'new-h2.example.com',
    ]);
  });

  it('replays a refused chunk record by record; one bad record does not block the rest', async () => {
    const singles: string[] = [];
    const result = await applyInChunks(batchOf(1, 0, 3), 10, {
      batch: () => Promise.reject(apiError('invalid')),
      single: (op) => {
        singles.push(label(op));
        if (op.kind === 'delete') return Promise.reject(apiError('notFound')); // already gone: fine
        if (op.kind === 'post' && op.record.name === 'h1.example.com') return Promise.reject(apiError('invalid'));
        return Promise.resolve(stored(op.record as DnsRecordInput));
      },
    });
    expect(singles).toEqual(['delete d0', 'post h0.example.com', 'post h1.example.com', 'post h2.example.com']);
    expect(result.applied).toBe(3);
    expect(result.written.map((r) => r.name)).toEqual(['h0.example.com', 'h2.example.com']);
    expect(result.removed).toEqual(['d0']);
    expect(result.fallbacks).toBe(1);
    expect(result.failures.map((f) => [label(f.operation), f.error.kind])).toEqual([
      ['post h1.example.com', 'invalid'],
    ]);
  });

  it('replays every refused chunk, not only the first', async () => {
    const singles: string[] = [];
    const result = await applyInChunks(batchOf(0, 0, 4), 2, {
      batch: () => Promise.reject(apiError('invalid')),
      single: (op) => {
        singles.push(label(op));
        return Promise.resolve(op.kind === 'post' ? stored(op.record) : undefined);
      },
    });
    expect(singles).toEqual([
      'post h0.example.com',
      'post h1.example.com',
      'post h2.example.com',
      'post h3.example.com',
    ]);
    expect(result).toMatchObject({ applied: 4, removed: [], failures: [], batches: 2, fallbacks: 2 });
    expect(result.written).toHaveLength(4);
  });

  it('counts patches among the applied operations', async () => {
    const batch: DnsBatch = { ...batchOf(1, 0, 1), patches: [put(7), put(8)] };
    const result = await applyInChunks(batch, 10, {
      batch: (chunk) => Promise.resolve(writtenBy(chunk)),
      single: () => Promise.reject(new Error('unexpected')),
    });
    expect(result.applied).toBe(4);
    expect(result.written.map((r) => r.id)).toEqual(['p7', 'p8', 'new-h0.example.com']);
  });

  it('counts only a delete of a record already gone as applied, not another refused operation', async () => {
    const result = await applyInChunks(batchOf(2, 0, 1), 10, {
      batch: () => Promise.reject(apiError('invalid')),
      single: (op) => {
        if (op.kind === 'post') return Promise.reject(apiError('notFound')); // e.g. the zone went away
        if (op.kind === 'delete' && op.id === 'd1') return Promise.reject(apiError('invalid'));
        return Promise.reject(apiError('notFound')); // d0: already gone
      },
    });
    expect(result.applied).toBe(1);
    expect(result.removed).toEqual(['d0']);
    expect(result.written).toEqual([]);
    expect(result.failures.map((f) => [label(f.operation), f.error.kind])).toEqual([
      ['delete d1', 'invalid'],
      ['post h0.example.com', 'notFound'],
    ]);
  });

  it('records a conflict on a single record as a failure', async () => {
    const result = await applyInChunks(batchOf(0, 0, 1), 10, {
      batch: () => Promise.reject(apiError('conflict')),
      single: () => Promise.reject(apiError('conflict')),
    });
    expect(result.failures).toHaveLength(1);
  });

  it.each<ErrorKind>(['transient', 'rateLimited', 'auth'])(
    'throws a %s batch error instead of replaying',
    async (kind) => {
      let singles = 0;
      await expect(
        applyInChunks(batchOf(0, 0, 2), 10, {
          batch: () => Promise.reject(apiError(kind)),
          single: () => {
            singles++;
            return Promise.resolve(undefined);
          },
        }),
      ).rejects.toMatchObject({ kind });
      expect(singles).toBe(0);
    },
  );

  it('stops the replay on a transient error', async () => {
    await expect(
      applyInChunks(batchOf(0, 0, 2), 10, {
        batch: () => Promise.reject(apiError('invalid')),
        single: () => Promise.reject(apiError('transient')),
      }),
    ).rejects.toMatchObject({ kind: 'transient' });
  });

  it('does nothing for an empty batch', async () => {
    const result = await applyInChunks(batchOf(0, 0, 0), 200, {
      batch: () => Promise.reject(new Error('unexpected')),
      single: () => Promise.reject(new Error('unexpected')),
    });
    expect(result).toEqual({ applied: 0, written: [], removed: [], failures: [], batches: 0, fallbacks: 0 });
  });
});
