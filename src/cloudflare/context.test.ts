import { isLastPage, type SdkPage } from './context.js';

const page = (n: number, info?: SdkPage<number>['result_info']): SdkPage<number> => ({
  result: Array.from({ length: n }, (_, i) => i),
  ...(info ? { result_info: info } : {}),
});

describe('isLastPage', () => {
  it.each<[string, number, SdkPage<number>, boolean]>([
    ['empty page', 1, page(0, { total_pages: 5 }), true],
    ['total_pages not reached', 2, page(10, { total_pages: 3 }), false],
    ['total_pages reached', 3, page(10, { total_pages: 3 }), true],
    ['total_count only, more left', 1, page(10, { total_count: 25, per_page: 10 }), false],
    ['total_count only, exactly full', 1, page(10, { total_count: 10, per_page: 10 }), true],
    ['unfiltered total_count (tunnels), short page', 1, page(1, { total_count: 60, per_page: 10 }), true],
    ['no info, full page', 1, page(10), false],
    ['no info, short page', 1, page(9), true],
  ])('%s', (_label, n, result, last) => {
    expect(isLastPage(n, 10, result)).toBe(last);
  });
});
