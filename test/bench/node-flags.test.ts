// The benchmarks run the operator with the Node flags of the image's ENTRYPOINT: read from the Dockerfile.
import { chartNodeOptions, imageEnv, imageNodeFlags } from '../../bench/node-flags.js';

describe('imageNodeFlags', () => {
  it('reads the flags between node and dist/main.js from the Dockerfile in the repo', () => {
    const flags = imageNodeFlags();
    expect(flags).toEqual(expect.arrayContaining(['--max-semi-space-size=1', '--no-turbofan']));
    expect(flags.every((f) => f.startsWith('--'))).toBe(true);
  });

  it('reads any flags, none included', () => {
    expect(imageNodeFlags('FROM x\nENTRYPOINT ["node", "--a", "--b=1", "dist/main.js"]\n')).toEqual(['--a', '--b=1']);
    expect(imageNodeFlags('ENTRYPOINT ["node", "dist/main.js"]')).toEqual([]);
  });

  it.each([
    ['no ENTRYPOINT', 'FROM x\nCMD ["node", "dist/main.js"]'],
    ['another program', 'ENTRYPOINT ["tini", "dist/main.js"]'],
    ['another script', 'ENTRYPOINT ["node", "--a", "other.js"]'],
    ['the shell form', 'ENTRYPOINT node dist/main.js'],
  ])('refuses a Dockerfile with %s', (_what, dockerfile) => {
    expect(() => imageNodeFlags(dockerfile)).toThrow('the Dockerfile has no ENTRYPOINT');
  });
});

describe('imageEnv', () => {
  it("reads the image's environment from the Dockerfile in the repo", () => {
    expect(imageEnv()).toEqual(expect.objectContaining({ NODE_ENV: 'production', MALLOC_ARENA_MAX: '1' }));
  });

  it('reads every ENV line, none included', () => {
    expect(imageEnv('FROM x\nENV A=1\nRUN y\nENV B_2=two \n')).toEqual({ A: '1', B_2: 'two' });
    expect(imageEnv('FROM x\nENVIRONMENT=1\n')).toEqual({});
  });

  it.each([
    ['two pairs', 'ENV A=1 B=2'],
    ['the legacy form', 'ENV A 1'],
    ['a quoted value', 'ENV A="1 2"'],
  ])('refuses %s, which it would misread', (_what, line) => {
    expect(() => imageEnv(`FROM x\n${line}\n`)).toThrow(`the Dockerfile's "${line}" is not one ENV NAME=value`);
  });
});

describe('chartNodeOptions', () => {
  it("is the chart's default heap limit as NODE_OPTIONS", () => {
    expect(chartNodeOptions()).toMatch(/^--max-old-space-size=\d+$/);
    expect(chartNodeOptions('heapLimit: 200\n')).toBe('--max-old-space-size=200');
  });

  it.each([
    ['none', 'logLevel: info\n'],
    ['not a number', 'heapLimit: big\n'],
    ['empty', ''],
  ])('refuses values with %s', (_what, values) => {
    expect(() => chartNodeOptions(values)).toThrow('no integer heapLimit');
  });
});
