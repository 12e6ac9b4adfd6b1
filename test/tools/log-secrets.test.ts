// The e2e log scan (e2e/support/log-secrets.ts, log-scan.ts) with planted secrets and refused writes: it must catch
// each form of a secret and report no value, and every write the API server refused as invalid.
import { invalidWrites } from '../../e2e/support/log-scan.js';
import { describeLeaks, findLeaks, secretForms, secretValuesOf } from '../../e2e/support/log-secrets.js';

const TOKEN = 'planted-api-token-0123456789';
const TUNNEL_SECRET = Buffer.alloc(32, 9).toString('base64');
const CREDENTIALS = JSON.stringify({ AccountTag: 'acc-0001', TunnelID: 'tid-0001', TunnelSecret: TUNNEL_SECRET });
const secrets = new Map([
  [TOKEN, 'Secret app/cf'],
  [TUNNEL_SECRET, 'Secret app/web-tunnel'],
  [CREDENTIALS, 'Secret app/web-tunnel'],
]);
const line = (fields: object): string => JSON.stringify({ level: 'info', message: 'reconciled', ...fields });

describe('the log scan for secrets', () => {
  it('passes clean logs, however often they name where secrets live', () => {
    const lines = [line({ secretName: 'cf', key: 'apiToken' }), line({ tunnelId: 'tid-0001', account: 'acc-0001' })];
    expect(findLeaks(lines, secrets)).toEqual([]);
  });

  it.each([
    ['raw', line({ error: `401 for Bearer ${TOKEN}` })],
    ['base64', line({ secret: { data: { apiToken: Buffer.from(TOKEN).toString('base64') } } })],
    ['base64url', line({ note: Buffer.from(TOKEN).toString('base64url') })],
  ])('catches the token in its %s form', (form, leaked) => {
    expect(findLeaks([line({}), leaked], secrets)).toEqual([{ line: 1, form, origin: 'Secret app/cf' }]);
  });

  it('catches a credentials file inside a JSON string (escaped) and its tunnel secret', () => {
    const leaks = findLeaks([line({ body: CREDENTIALS })], secrets);
    expect(leaks.map((l) => l.form).sort()).toEqual(['json-escaped', 'raw']);
  });

  it('reports line, form and origin, with every secret masked', () => {
    const lines = [line({}), line({ error: `token ${TOKEN} refused` })];
    const report = describeLeaks('operator op-a', findLeaks(lines, secrets), lines, secrets);
    expect(report).toContain('operator op-a logged 1 secret value(s)');
    expect(report).toContain('line 2: raw form of Secret app/cf');
    expect(report).toContain('token [SECRET] refused');
    expect(report).not.toContain(TOKEN);
  });

  it('ignores values too short to be told from ordinary text', () => {
    expect(findLeaks([line({ message: 'abc' })], new Map([['abc', 'Secret x/y']]))).toEqual([]);
  });

  it("takes a Secret's values, except public keys, and the secret fields of its JSON files", () => {
    const values = secretValuesOf({
      apiToken: TOKEN,
      email: 'ops@example.com',
      'ca.crt': '-----BEGIN CERTIFICATE-----',
      'credentials.json': CREDENTIALS,
      short: 'abc',
    });
    expect(values).toEqual([TOKEN, CREDENTIALS, TUNNEL_SECRET]);
  });

  it('lists each form once', () => {
    expect(secretForms('plain-token-value').map((f) => f.form)).toEqual(['raw', 'base64', 'base64url']);
  });
});

describe('invalidWrites: what the API server refused as invalid, from an operator log', () => {
  it('keeps warnings and errors carrying HTTP 422, nothing else', () => {
    const refused =
      '{"level":"warn","message":"could not record event","error":"HTTP 422: Event \\"x\\" is invalid: involvedObject.namespace"}';
    const lines = [
      refused,
      '{"level":"warn","message":"could not record event","error":"HTTP 403: forbidden"}',
      '{"level":"debug","message":"retrying","error":"HTTP 422: is invalid"}',
      '{"level":"info","message":"reconciled"}',
    ];
    expect(invalidWrites(lines)).toEqual([refused]);
  });
});
