// Finds known secret values in log lines: the check every operator process of the e2e suite passes when it ends
// (e2e/support/log-scan.ts gathers the values). Pure: no I/O, so that a unit test can plant a secret and see it
// caught (test/tools/log-secrets.test.ts).
import { isSecretKey } from '../../src/runtime/redact.js';

/** Shorter values are not scanned for: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 8;

/** What a secret value is, for the report (never the value itself). */
export type SecretOrigins = ReadonlyMap<string, string>;

export interface Leak {
  /** 0-based index of the log line. */
  line: number;
  /** Which form of the secret appeared: raw, json-escaped, base64 or base64url. */
  form: string;
  origin: string;
}

/** The ways a secret can show up in a JSON log line: as is, escaped inside a JSON string, base64 (Secret data). */
export function secretForms(secret: string): { form: string; text: string }[] {
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  const forms = [
    { form: 'raw', text: secret },
    { form: 'json-escaped', text: JSON.stringify(secret).slice(1, -1) },
    { form: 'base64', text: base64 },
    { form: 'base64url', text: base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') },
  ];
  return forms.filter((f, i) => forms.findIndex((o) => o.text === f.text) === i);
}

/** Keys of Secret data that hold nothing secret (a CA certificate, an account email, a namespace name). */
function isPublicKey(key: string): boolean {
  return key === 'namespace' || key.endsWith('.crt') || /email/i.test(key);
}

/**
 * The secret values of one Secret's decoded data: every value except those under public keys and, for a JSON
 * file (credentials.json, a pending tunnel), also its fields named like secrets (TunnelSecret, secret).
 */
export function secretValuesOf(data: Readonly<Record<string, string>>): string[] {
  const values: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (isPublicKey(key)) continue;
    values.push(value, ...secretFieldsOf(value));
  }
  return values.filter((v) => v.length >= MIN_SECRET_LENGTH);
}

function secretFieldsOf(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  return Object.entries(parsed).flatMap(([key, value]) =>
    isSecretKey(key) && typeof value === 'string' ? [value] : [],
  );
}

/** Every line holding a form of a known secret, at most one leak per line and secret. */
export function findLeaks(lines: readonly string[], secrets: SecretOrigins): Leak[] {
  const text = lines.join('\n');
  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  const lineAt = (position: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((lineStarts[mid] ?? 0) <= position) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const leaks = new Map<string, Leak>();
  for (const [secret, origin] of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const { form, text: needle } of secretForms(secret)) {
      for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
        const line = lineAt(at);
        const key = `${line}\0${secret}`;
        if (!leaks.has(key)) leaks.set(key, { line, form, origin });
      }
    }
  }
  return [...leaks.values()].sort((a, b) => a.line - b.line);
}

/** A report naming each leak's line (with every known secret masked in it), form and origin. */
export function describeLeaks(
  processName: string,
  leaks: readonly Leak[],
  lines: readonly string[],
  secrets: SecretOrigins,
): string {
  const needles = [...secrets.keys()]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .flatMap((s) => secretForms(s).map((f) => f.text))
    .sort((a, b) => b.length - a.length);
  const mask = (line: string): string => needles.reduce((masked, n) => masked.split(n).join('[SECRET]'), line);
  const shown = leaks.slice(0, 20).map((l) => {
    return `  line ${l.line + 1}: ${l.form} form of ${l.origin}: ${mask(lines[l.line] ?? '').slice(0, 300)}`;
  });
  const more = leaks.length > shown.length ? [`  … and ${leaks.length - shown.length} more`] : [];
  return [`${processName} logged ${leaks.length} secret value(s):`, ...shown, ...more].join('\n');
}
