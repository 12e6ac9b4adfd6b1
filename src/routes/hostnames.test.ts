import { normalizeRouteHostname } from './hostnames.js';

const label = (length: number): string => 'a'.repeat(length);
/** A name of exactly `length` characters: labels of 63 joined by dots, ending in `.com`. */
function nameOf(length: number): string {
  const labels: string[] = [];
  let left = length - '.com'.length;
  while (left > 0) {
    const size = Math.min(63, left - (labels.length > 0 ? 1 : 0));
    labels.push(label(size));
    left -= size + (labels.length > 1 ? 1 : 0);
  }
  return `${labels.join('.')}.com`;
}

describe('normalizeRouteHostname', () => {
  it('builds names of the length asked', () => {
    expect([nameOf(253).length, nameOf(254).length]).toEqual([253, 254]);
  });

  it.each([
    ['a plain name', 'shop.example.com', 'shop.example.com'],
    ['upper case', 'Shop.EXAMPLE.com', 'shop.example.com'],
    ['a trailing dot', 'shop.example.com.', 'shop.example.com'],
    ['spaces around', '  shop.example.com ', 'shop.example.com'],
    ['an internationalised label', 'bücher.example.com', 'xn--bcher-kva.example.com'],
    ['an internationalised label in upper case', 'BÜCHER.example.com', 'xn--bcher-kva.example.com'],
    ['a wildcard', '*.x.example.com', '*.x.example.com'],
    ['an internationalised wildcard', '*.bücher.example.com', '*.xn--bcher-kva.example.com'],
    ['an apex', 'example.com', 'example.com'],
    ['a punycode label', 'xn--bcher-kva.example.com', 'xn--bcher-kva.example.com'],
    ['a punycode label in upper case', 'XN--BCHER-KVA.example.com', 'xn--bcher-kva.example.com'],
    ['an emoji label', '💩.example.com', 'xn--ls8h.example.com'],
    ['full-width letters', 'ＳＨＯＰ.example.com', 'shop.example.com'],
    ['"--" inside a label that is not punycode', 'ab--cd.example.com', 'ab--cd.example.com'],
    ['hyphens inside labels', 'my-shop.ex-ample.com', 'my-shop.ex-ample.com'],
    ['a label of 63 characters', `${label(63)}.example.com`, `${label(63)}.example.com`],
    ['a name of 253 characters', nameOf(253), nameOf(253)],
    ['a wildcard over a top-level domain', '*.com.', '*.com'],
  ])('accepts %s', (_name, raw, hostname) => {
    expect(normalizeRouteHostname(raw)).toEqual({ ok: true, hostname });
  });

  it.each([
    ['an empty name', '  ', /"" is empty/],
    ['two wildcards', '*.*.example.com', /"\*" only as a whole leftmost label/],
    ['an inner wildcard', 'a.*.example.com', /"\*" only as a whole leftmost label/],
    ['a partial wildcard label', '*a.example.com', /"\*" only as a whole leftmost label/],
    ['a wildcard suffix', 'a*.example.com', /"\*" only/],
    ['a bare wildcard', '*', /"\*" only/],
    ['an underscore', 'a_b.example.com', /contains "_"/],
    ['a space inside', 'a b.example.com', /contains " "/],
    ['a URL', 'https://shop.example.com', /contains ":"/],
    ['a percent sign', '%61.example.com', /contains "%"/],
    ['a label of 64 characters', `${label(64)}.example.com`, /label longer than 63 characters/],
    ['a name of 254 characters', nameOf(254), /longer than 253 characters/],
    ['a single label', 'localhost', /at least two labels/],
    ['an empty label', 'a..example.com', /empty label/],
    ['a leading dot', '.example.com', /empty label/],
    ['a label starting with a hyphen', '-shop.example.com', /label "-shop" starting or ending with "-"/],
    ['a label ending with a hyphen', 'shop-.example.com', /label "shop-" starting or ending/],
    ['an invalid punycode label with Unicode', 'xn--a.bücher.com', /not a valid internationalised domain name/],
    ['an invalid punycode label', 'xn--a.example.com', /label "xn--a" that is not valid punycode/],
    ['a punycode label of symbols', 'xn--ab-.example.com', /label "xn--ab-" starting or ending/],
    ['undecodable punycode', 'xn--99999999.example.com', /label "xn--99999999" that is not valid punycode/],
    ['a punycode label in a wildcard', '*.xn--zz.example.com', /label "xn--zz" that is not valid punycode/],
  ])('refuses %s', (_name, raw, message) => {
    const result = normalizeRouteHostname(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('names the hostname as written, cut to 100 characters', () => {
    const raw = `${label(150)}.example.com`;
    const result = normalizeRouteHostname(raw);
    expect(result).toEqual({ ok: false, message: `hostname "${label(100)}…" has a label longer than 63 characters` });
  });
});
