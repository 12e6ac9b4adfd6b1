import {
  isDnsLabel,
  parseBaseUrl,
  parseBool,
  parseDnsLabel,
  parseDnsName,
  parseDuration,
  parseInteger,
  parseNamespaceList,
  parseOwnerId,
} from './config-parse.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    [' 30s ', 30_000],
    ['500ms', 500],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['1.25s', 1250],
    ['0.5ms', 1],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ value: ms });
  });

  it.each(['10', '10x', 's', '1.s', '5m junk'])('refuses %j, with examples', (text) => {
    expect(parseDuration(text)).toEqual({
      error: `"${text}" is not a duration (examples: 500ms, 30s, 10m, 1h30m)`,
    });
  });

  it.each(['', '   '])('refuses %j as empty', (text) => {
    expect(parseDuration(text)).toEqual({ error: 'empty duration' });
  });
});

describe('parseInteger', () => {
  it.each([
    [' 7 ', 7],
    ['1', 1],
    ['10', 10],
  ])('reads %j within 1-10', (text, value) => {
    expect(parseInteger(text, 1, 10)).toEqual({ value });
  });

  it.each(['7x', 'x7', '-1', '1.5', ''])('refuses %j as not a whole number', (text) => {
    expect(parseInteger(text, 1, 10)).toEqual({ error: `"${text}" is not a whole number` });
  });

  it.each(['0', '11'])('refuses %j as outside the range', (text) => {
    expect(parseInteger(text, 1, 10)).toEqual({ error: `${text} is outside 1-10` });
  });
});

describe('parseBool', () => {
  it.each([
    ['true', true],
    [' TRUE ', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['No', false],
    ['0', false],
    ['no', false],
  ])('reads %j', (text, value) => {
    expect(parseBool(text)).toEqual({ value });
  });

  it.each(['', 'y', 'on', '2'])('refuses %j', (text) => {
    expect(parseBool(text)).toEqual({ error: `"${text}" is not true or false` });
  });
});

describe('DNS names and labels', () => {
  const label63 = 'a'.repeat(63);

  it.each([
    ['a', true],
    ['a-1', true],
    [label63, true],
    ['a'.repeat(64), false],
    ['-a', false],
    ['a-', false],
    ['A', false],
    ['a.b', false],
    ['', false],
  ])('isDnsLabel(%j) is %s', (text, valid) => {
    expect(isDnsLabel(text)).toBe(valid);
  });

  it('reads a DNS name: trimmed, lowercased, without its trailing dot', () => {
    expect(parseDnsName(' Cluster.Local. ')).toEqual({ value: 'cluster.local' });
  });

  it('takes up to 253 characters', () => {
    const name253 = [label63, label63, label63, 'a'.repeat(61)].join('.');
    expect(name253).toHaveLength(253);
    expect(parseDnsName(name253)).toEqual({ value: name253 });
    expect(parseDnsName(`${name253}b`)).toEqual({ error: 'must be a DNS name such as cluster.local' });
  });

  it.each(['cluster..local', 'cluster.-local', 'ok.bad_label', ''])('refuses the DNS name %j', (text) => {
    expect(parseDnsName(text)).toEqual({ error: 'must be a DNS name such as cluster.local' });
  });

  it('reads a label, trimmed, and refuses anything else, naming it', () => {
    expect(parseDnsLabel(' lease-1 ')).toEqual({ value: 'lease-1' });
    expect(parseDnsLabel('Lease')).toEqual({ error: '"Lease" is not a valid name (lowercase RFC 1123 label)' });
  });
});

describe('parseNamespaceList', () => {
  it.each([
    ['*', []],
    [' * ', []],
    ['', []],
    ['b', ['b']],
    ['b, a,,b ', ['a', 'b']],
  ])('reads %j', (text, names) => {
    expect(parseNamespaceList(text)).toEqual({ value: names });
  });

  it('refuses a wildcard among names, and invalid names, naming them', () => {
    expect(parseNamespaceList('*,a')).toEqual({ error: 'invalid namespace name(s): *' });
    expect(parseNamespaceList('a,B,c_d')).toEqual({ error: 'invalid namespace name(s): B, c_d' });
  });
});

describe('parseBaseUrl', () => {
  it.each([
    ['https://api.cloudflare.com/client/v4', 'https://api.cloudflare.com/client/v4'],
    [' https://api.example/v4/ ', 'https://api.example/v4'],
    ['https://api.example/v4//', 'https://api.example/v4'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://localhost:1', 'http://localhost:1'],
    ['http://[::1]:1', 'http://[::1]:1'],
  ])('reads %j', (text, url) => {
    expect(parseBaseUrl(text)).toEqual({ value: url });
  });

  it('refuses what is no URL, naming it', () => {
    expect(parseBaseUrl('not a url')).toEqual({ error: '"not a url" is not a URL' });
  });

  it.each(['http://api.example', 'http://127.0.0.2', 'ftp://localhost'])('refuses %j: not https', (text) => {
    expect(parseBaseUrl(text)).toEqual({
      error: 'must be an https URL (http is accepted only for a loopback host)',
    });
  });

  it.each([
    'https://user@api.example',
    'https://:pw@api.example',
    'https://api.example/?a=1',
    'https://api.example/#x',
  ])('refuses %j: credentials, query or fragment', (text) => {
    expect(parseBaseUrl(text)).toEqual({ error: 'must not contain credentials, query or fragment' });
  });
});

describe('parseOwnerId', () => {
  it('reads an owner ID, trimmed, and refuses one the ownership rule refuses', () => {
    expect(parseOwnerId(' cluster-1 ')).toEqual({ value: 'cluster-1' });
    expect(parseOwnerId('a b')).toEqual({
      error: 'must be 1-32 characters of letters, digits, ".", "_" or "-"',
    });
  });
});
