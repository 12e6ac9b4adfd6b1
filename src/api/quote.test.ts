import { MAX_QUOTED_LENGTH, quote } from './quote.js';

describe('quote', () => {
  it.each([
    ['a short value', 'web', '"web"'],
    ['quotes and newlines, escaped', 'a"b\nc', '"a\\"b\\nc"'],
    ['a value of exactly the limit, whole', 'x'.repeat(MAX_QUOTED_LENGTH), `"${'x'.repeat(MAX_QUOTED_LENGTH)}"`],
    ['a longer value, cut', 'x'.repeat(MAX_QUOTED_LENGTH + 1), `"${'x'.repeat(MAX_QUOTED_LENGTH)}…"`],
    ['non-ASCII characters, counted as characters', 'ü'.repeat(150), `"${'ü'.repeat(MAX_QUOTED_LENGTH)}…"`],
  ])('%s', (_name, value, expected) => {
    expect(quote(value)).toBe(expected);
  });
});
