// Value parsers for configuration: each returns the value or the reason it is wrong.
import { OWNER_ID_PATTERN, OWNER_ID_RULE, compile } from '../api/patterns.js';

export type Parsed<T> = { value: T } | { error: string };

export const parsedValue = <T>(value: T): Parsed<T> => ({ value });
export const parseError = <T>(error: string): Parsed<T> => ({ error });

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations: `500ms`, `30s`, `10m`, `1h30m`; a bare `0` is zero. */
export function parseDuration(text: string): Parsed<number> {
  const input = text.trim();
  if (input === '0') return parsedValue(0);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  while (index < input.length) {
    part.lastIndex = index;
    const match = part.exec(input);
    if (!match?.[1] || !match[2]) return parseError(`"${text}" is not a duration (examples: 500ms, 30s, 10m, 1h30m)`);
    total += Number(match[1]) * (UNITS[match[2]] ?? 0);
    index = part.lastIndex;
  }
  if (input.length === 0) return parseError('empty duration');
  return parsedValue(Math.round(total));
}

export function parseInteger(text: string, min: number, max: number): Parsed<number> {
  if (!/^\d+$/.test(text.trim())) return parseError(`"${text}" is not a whole number`);
  const value = Number(text);
  return value >= min && value <= max ? parsedValue(value) : parseError(`${value} is outside ${min}-${max}`);
}

export function parseBool(text: string): Parsed<boolean> {
  const value = text.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(value)) return parsedValue(true);
  if (['false', '0', 'no'].includes(value)) return parsedValue(false);
  return parseError(`"${text}" is not true or false`);
}

/** RFC 1123 label: what namespace and Lease names must be. */
export function isDnsLabel(text: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(text);
}

/** A DNS name of one or more labels, e.g. `cluster.local`. */
export function parseDnsName(text: string): Parsed<string> {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  if (name.length > 253 || !name.split('.').every(isDnsLabel))
    return parseError('must be a DNS name such as cluster.local');
  return parsedValue(name);
}

export function parseDnsLabel(text: string): Parsed<string> {
  const value = text.trim();
  return isDnsLabel(value)
    ? parsedValue(value)
    : parseError(`"${text}" is not a valid name (lowercase RFC 1123 label)`);
}

export function parseNamespaceList(text: string): Parsed<string[]> {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  if (names.length === 1 && names[0] === '*') return parsedValue([]);
  const bad = names.filter((n) => !isDnsLabel(n));
  if (bad.length > 0) return parseError(`invalid namespace name(s): ${bad.join(', ')}`);
  return parsedValue([...new Set(names)].sort());
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An https URL, or http to a loopback host (the local Cloudflare emulator); no trailing slash. */
export function parseBaseUrl(text: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(text); // the URL parser drops surrounding whitespace itself
  } catch {
    return parseError(`"${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    return parseError('must be an https URL (http is accepted only for a loopback host)');
  }
  if (url.username || url.password || url.search || url.hash)
    return parseError('must not contain credentials, query or fragment');
  return parsedValue(url.toString().replace(/\/+$/, ''));
}

/** The owner ID, by the one rule the ownership code enforces (src/api/patterns.ts). */
export function parseOwnerId(text: string): Parsed<string> {
  const value = text.trim();
  return compile(OWNER_ID_PATTERN).test(value) ? parsedValue(value) : parseError(`must be ${OWNER_ID_RULE}`);
}
