// Hostnames of routes as users write them → the one form compared, stored in DNS and given to cloudflared:
// lower case, ASCII (internationalised labels in punycode), no trailing dot; `*.` in front for a wildcard.
import { domainToASCII, domainToUnicode } from 'node:url';
import { quote } from '../api/quote.js';
import { normalizeHostname } from '../cloudflare/index.js';

const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A character a hostname cannot hold: ASCII but for letters, digits, "-", "." and "*" (non-ASCII goes to IDNA). */
const FOREIGN_ASCII = /[^-.*0-9a-z\u0080-\uffff]/;
const WILDCARD_PREFIX = '*.';
/** The prefix of an internationalised label in its ASCII (punycode) form. */
const ACE_PREFIX = 'xn--';

export type HostnameResult = { ok: true; hostname: string } | { ok: false; message: string };
type Checked = { ok: true; hostname: string } | { ok: false; problem: string };

/** What is wrong with the labels (after the wildcard one), if anything. */
function labelsProblem(labels: readonly string[]): string | undefined {
  if (labels.some((label) => label === '')) return 'has an empty label';
  if (labels.some((label) => label.length > MAX_LABEL_LENGTH)) {
    return `has a label longer than ${MAX_LABEL_LENGTH} characters`;
  }
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) return `has a label ${quote(bad)} starting or ending with "-"`;
  const undecodable = labels.find((label) => label.startsWith(ACE_PREFIX) && !isPunycode(label));
  return undecodable === undefined ? undefined : `has a label ${quote(undecodable)} that is not valid punycode`;
}

/** An `xn--` label browsers can read: it decodes to Unicode that encodes back to the same label. */
function isPunycode(label: string): boolean {
  const unicode = domainToUnicode(label);
  return unicode !== label && domainToASCII(unicode) === label;
}

/** Internationalised labels in punycode; '' when IDNA refuses the name. ASCII names are left as they are. */
function toASCII(name: string): string {
  return /[\u0080-\uffff]/.test(name) ? domainToASCII(name) : name;
}

/** `name` is trimmed, lower case, without trailing dot. */
function check(name: string): Checked {
  const fail = (problem: string): Checked => ({ ok: false, problem });
  if (name === '') return fail('is empty');
  const wildcard = name.startsWith(WILDCARD_PREFIX);
  const domain = wildcard ? name.slice(WILDCARD_PREFIX.length) : name;
  if (domain.includes('*')) return fail('may use "*" only as a whole leftmost label before a domain ("*.example.com")');
  const foreign = FOREIGN_ASCII.exec(domain);
  if (foreign) return fail(`contains ${JSON.stringify(foreign[0])}, which a hostname cannot`);
  const ascii = toASCII(domain);
  if (ascii === '') return fail('is not a valid internationalised domain name');
  const hostname = wildcard ? `${WILDCARD_PREFIX}${ascii}` : ascii;
  if (hostname.length > MAX_NAME_LENGTH) return fail(`is longer than ${MAX_NAME_LENGTH} characters`);
  if (hostname.split('.').length < 2) return fail('needs at least two labels (a name in a zone)');
  const problem = labelsProblem(ascii.split('.'));
  return problem ? fail(problem) : { ok: true, hostname };
}

/**
 * A route hostname in its normal form: trimmed, lower-cased, one trailing dot dropped, internationalised
 * labels converted to ASCII (`bücher.example.com` → `xn--bcher-kva.example.com`). Refused: `*` anywhere but
 * as the whole leftmost label; labels that are empty, longer than 63 characters, hold other characters than
 * letters, digits and hyphens, or start or end with a hyphen; `xn--` labels that are not valid punycode (no
 * browser could reach them); names longer than 253 characters or of one label.
 * The message names the hostname as written (at most 100 characters of it).
 */
export function normalizeRouteHostname(raw: string): HostnameResult {
  const checked = check(normalizeHostname(raw));
  if (checked.ok) return checked;
  return { ok: false, message: `hostname ${quote(raw.trim())} ${checked.problem}` };
}
