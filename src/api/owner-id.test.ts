// The owner ID has one rule (src/api/patterns.ts). The Helm chart's values.schema.json repeats it in JSON, so this
// test reads the file and fails when the two drift apart.
import { readFileSync } from 'node:fs';
import { assertOwnerId } from '../cloudflare/ownership.js';
import { OWNER_ID_MAX_LENGTH, OWNER_ID_PATTERN, compile } from './patterns.js';

interface StringSchema {
  type?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
}

const valuesSchema = JSON.parse(
  readFileSync(new URL('../../charts/cloudflare-operator/values.schema.json', import.meta.url), 'utf8'),
) as { properties: { ownerId: StringSchema } };
const chartRule = valuesSchema.properties.ownerId;

const accepted = ['a', 'prod-eu-1', 'Prod_EU.1', 'a'.repeat(32)];
const refused = ['', 'a'.repeat(33), 'prod eu', 'prod/eu', 'préprod', 'owner=x'];

describe('the owner ID rule', () => {
  it('is the one the chart schema carries', () => {
    expect(chartRule).toMatchObject({
      type: 'string',
      minLength: 1,
      maxLength: OWNER_ID_MAX_LENGTH,
      pattern: OWNER_ID_PATTERN,
    });
  });

  it.each(accepted)('accepts %j in the code and in the chart schema', (id) => {
    expect(compile(OWNER_ID_PATTERN).test(id)).toBe(true);
    expect(() => assertOwnerId(id)).not.toThrow();
    expect(new RegExp(chartRule.pattern ?? '').test(id) && id.length <= (chartRule.maxLength ?? 0)).toBe(true);
  });

  it.each(refused)('refuses %j in the code and in the chart schema', (id) => {
    expect(compile(OWNER_ID_PATTERN).test(id)).toBe(false);
    expect(() => assertOwnerId(id)).toThrow(RangeError);
    expect(new RegExp(chartRule.pattern ?? '').test(id) && id.length <= (chartRule.maxLength ?? 0)).toBe(false);
  });
});
