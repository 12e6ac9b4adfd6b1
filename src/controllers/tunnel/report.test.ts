import { Report } from './report.js';

describe('Report', () => {
  it('keeps one update per condition type: a later one replaces the earlier, and goes last', () => {
    const report = new Report();
    report.set({ type: 'A', status: 'False', reason: 'First' });
    report.set({ type: 'B', status: 'True', reason: 'Only' });
    report.set({ type: 'A', status: 'True', reason: 'Second' });
    expect(report.conditions).toEqual([
      { type: 'B', status: 'True', reason: 'Only' },
      { type: 'A', status: 'True', reason: 'Second' },
    ]);
  });

  it('replaces an update of the same type wherever it stands', () => {
    const report = new Report();
    report.set({ type: 'A', status: 'False', reason: 'First' });
    report.set({ type: 'B', status: 'False', reason: 'First' });
    report.set({ type: 'C', status: 'False', reason: 'First' });
    report.set({ type: 'B', status: 'True', reason: 'Second' });
    expect(report.conditions.map((c) => `${c.type} ${c.reason}`)).toEqual(['A First', 'C First', 'B Second']);
  });

  it('collects Normal and Warning Events in order', () => {
    const report = new Report();
    report.normal('Created', 'Create', 'made it');
    report.warning('Failed', 'Apply', 'did not work');
    expect(report.events).toEqual([
      { type: 'Normal', reason: 'Created', action: 'Create', note: 'made it' },
      { type: 'Warning', reason: 'Failed', action: 'Apply', note: 'did not work' },
    ]);
  });
});
