// The `cloudflare-operator.io/path` annotation is a regular expression that cloudflared compiles with Go's
// regexp package (RE2 syntax). We compile it with ECMAScript's RegExp, which reads the common syntax the same
// way, and refuse up front the ECMAScript constructs RE2 lacks, which cloudflared would refuse at start.
// An approximation: a few RE2-only forms (e.g. `(?i)` flags) are refused by RegExp too.

const LOOKAROUNDS: readonly (readonly [string, string])[] = [
  ['(?=', 'a lookahead'],
  ['(?!', 'a negative lookahead'],
  ['(?<=', 'a lookbehind'],
  ['(?<!', 'a negative lookbehind'],
];

/** What the escape at `pattern[index]` (a backslash) is, when RE2 lacks it. */
function unsupportedEscape(pattern: string, index: number): string | undefined {
  const next = pattern[index + 1] ?? '';
  if (/[1-9]/.test(next)) return `a backreference \\${next}`;
  if (next === 'k' && pattern[index + 2] === '<') return 'a named backreference \\k<…>';
  return undefined;
}

/** The index just after the character class opening at `pattern[index]` (a `[`); escapes inside are skipped. */
function skipClass(pattern: string, index: number): number {
  let i = index + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++; // a leading `]` is a literal in RE2
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The first construct of `pattern` that RE2 lacks (lookaround, backreference), described; undefined if none. */
export function unsupportedConstruct(pattern: string): string | undefined {
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i];
    if (char === '[') {
      i = skipClass(pattern, i);
      continue;
    }
    if (char === '\\') {
      const escape = unsupportedEscape(pattern, i);
      if (escape) return escape;
      i += 2;
      continue;
    }
    const lookaround = char === '(' ? LOOKAROUNDS.find(([opening]) => pattern.startsWith(opening, i)) : undefined;
    if (lookaround) return `${lookaround[1]} ${JSON.stringify(lookaround[0])}`;
    i++;
  }
  return undefined;
}

/** Why `pattern` cannot be a route path, or undefined when it can. The message never repeats the pattern. */
export function pathRegexProblem(pattern: string): string | undefined {
  const construct = unsupportedConstruct(pattern);
  if (construct) return `uses ${construct}, which cloudflared's regular expressions (Go RE2) do not support`;
  try {
    new RegExp(pattern);
  } catch (error) {
    // V8's message is "Invalid regular expression: /<pattern>/: <reason>": keep the reason only.
    const message = error instanceof Error ? error.message : String(error);
    return `is not a valid regular expression: ${message.slice(message.lastIndexOf(': ') + 2)}`;
  }
  return undefined;
}
