import { pathRegexProblem } from './path-regex.js';

describe('pathRegexProblem', () => {
  it.each([
    ['a prefix', '^/api/'],
    ['alternatives and groups', '^/(shop|cart)(/.*)?$'],
    ['a non-capturing group', '^/(?:a|b)$'],
    ['a named group', '^/(?<id>[0-9]+)$'],
    ['an escaped backslash before a digit (a literal "\\1")', '^/a\\\\1$'],
    ['lookaround characters inside a class', '^/[(?=]$'],
    ['a class starting with "]"', '^/[]a]$'],
    ['an escaped parenthesis', '^/\\(?=$'],
  ])('accepts %s', (_name, pattern) => {
    expect(pathRegexProblem(pattern)).toBeUndefined();
  });

  it.each([
    ['a lookahead', '^/api(?=/v1)', /lookahead "\(\?="/],
    ['a negative lookahead', '^/(?!admin)', /negative lookahead "\(\?!"/],
    ['a lookbehind', '(?<=/api)/x', /lookbehind "\(\?<="/],
    ['a negative lookbehind', '(?<!/api)/x', /negative lookbehind "\(\?<!"/],
    ['a backreference', '^/(a)\\1$', /backreference \\1/],
    ['a backreference \\9', '^/(a)\\9$', /backreference \\9/],
    ['a named backreference', '^/(?<x>a)\\k<x>$', /named backreference/],
    ['an unterminated group', '^/(api', /not a valid regular expression: Unterminated group/],
    ['a lone quantifier', '*', /not a valid regular expression: Nothing to repeat/],
  ])('refuses %s', (_name, pattern, message) => {
    expect(pathRegexProblem(pattern)).toMatch(message);
  });

  it('does not repeat the pattern in the message', () => {
    const pattern = `(${'x'.repeat(500)}`;
    expect(pathRegexProblem(pattern)).not.toContain('xxxxx');
  });
});
