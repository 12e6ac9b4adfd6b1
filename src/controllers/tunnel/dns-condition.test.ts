import { dnsCondition } from './dns-condition.js';

const problems = (entries: [string, 'Conflict' | 'Pending', string][]) => ({
  problems: new Map(entries.map(([name, state, message]) => [name, { state, message }])),
});

describe('dnsCondition', () => {
  it('no routes need a record → NoRecords', () => {
    expect(dnsCondition(problems([]), 0)).toMatchObject({ status: 'True', reason: 'NoRecords' });
  });

  it('every record in place → RecordsSynced with the count', () => {
    expect(dnsCondition(problems([]), 3)).toMatchObject({
      status: 'True',
      reason: 'RecordsSynced',
      message: '3 record(s) point at the tunnel',
    });
  });

  it('a conflict wins over pending changes, names the hostnames sorted, at most three', () => {
    const found = problems([
      ['e.example.com', 'Conflict', 'x'],
      ['b.example.com', 'Conflict', 'x'],
      ['z.example.com', 'Pending', 'y'],
      ['a.example.com', 'Conflict', 'x'],
      ['d.example.com', 'Conflict', 'x'],
    ]);
    expect(dnsCondition(found, 5)).toEqual({
      type: 'DNSReady',
      status: 'False',
      reason: 'RecordConflict',
      message:
        'records not owned by this tunnel hold a.example.com, b.example.com, d.example.com and 1 more: see status.routes',
    });
  });

  it('pending changes only → DNSUpdateFailed with the reasons', () => {
    expect(dnsCondition(problems([['a.example.com', 'Pending', 'zone x missing']]), 1)).toMatchObject({
      status: 'False',
      reason: 'DNSUpdateFailed',
      message: 'not in place yet: a.example.com (zone x missing)',
    });
  });

  it('names three hostnames in full, and counts only beyond that', () => {
    const three = problems([
      ['c.example.com', 'Conflict', 'x'],
      ['a.example.com', 'Conflict', 'x'],
      ['b.example.com', 'Conflict', 'x'],
    ]);
    expect(dnsCondition(three, 3).message).toBe(
      'records not owned by this tunnel hold a.example.com, b.example.com, c.example.com: see status.routes',
    );
  });
});
