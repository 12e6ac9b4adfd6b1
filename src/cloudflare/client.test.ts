import { OPERATOR_VERSION } from '../version.js';
import { userAgent } from './client.js';

describe('userAgent', () => {
  it('names the operator and its version', () => {
    expect(userAgent()).toBe(`cloudflare-operator/${OPERATOR_VERSION}`);
  });

  it('adds the calling replica as a comment', () => {
    expect(userAgent('cfo-7d9f-x2_1a2b3c4d')).toBe(`cloudflare-operator/${OPERATOR_VERSION} (cfo-7d9f-x2_1a2b3c4d)`);
  });

  it('keeps only characters a header comment can hold', () => {
    expect(userAgent('a b(c)\r\nd')).toBe(`cloudflare-operator/${OPERATOR_VERSION} (a-b-c---d)`);
  });
});
