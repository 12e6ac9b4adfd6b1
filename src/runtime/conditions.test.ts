import {
  findCondition,
  isConditionTrue,
  removeCondition,
  rfc3339,
  setCondition,
  setConditions,
  type Condition,
} from './conditions.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0, 123);
const T1 = T0 + 60_000;

describe('setCondition', () => {
  it('first sync: adds the condition with the transition time and generation', () => {
    const { conditions, changed } = setCondition(
      undefined,
      { type: 'Ready', status: 'False', reason: 'Pending' },
      1,
      T0,
    );
    expect(changed).toBe(true);
    expect(conditions).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Pending',
        message: '',
        lastTransitionTime: '2026-01-01T10:00:00Z',
        observedGeneration: 1,
      },
    ]);
  });

  it('idempotent second sync: same decision, nothing changes', () => {
    const first = setCondition([], { type: 'Ready', status: 'True', reason: 'Ok', message: 'up' }, 2, T0).conditions;
    const second = setCondition(first, { type: 'Ready', status: 'True', reason: 'Ok', message: 'up' }, 2, T1);
    expect(second.changed).toBe(false);
    expect(second.conditions).toEqual(first);
  });

  it('keeps lastTransitionTime when only reason, message or generation change', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: 'A' }, 1, T0).conditions;
    const next = setCondition(first, { type: 'Ready', status: 'False', reason: 'B', message: 'm' }, 2, T1);
    expect(next.changed).toBe(true);
    expect(findCondition(next.conditions, 'Ready')).toMatchObject({
      reason: 'B',
      message: 'm',
      observedGeneration: 2,
      lastTransitionTime: rfc3339(T0),
    });
  });

  it('moves lastTransitionTime when the status flips', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: 'A' }, 1, T0).conditions;
    const next = setCondition(first, { type: 'Ready', status: 'True', reason: 'A' }, 1, T1);
    expect(findCondition(next.conditions, 'Ready')?.lastTransitionTime).toBe(rfc3339(T1));
    expect(isConditionTrue(next.conditions, 'Ready')).toBe(true);
  });

  it('leaves other conditions and the input array alone', () => {
    const input: Condition[] = [
      {
        type: 'DNSReady',
        status: 'True',
        reason: 'Ok',
        message: '',
        lastTransitionTime: rfc3339(T0),
        observedGeneration: 1,
      },
    ];
    const snapshot = structuredClone(input);
    const { conditions } = setConditions(
      input,
      [
        { type: 'Ready', status: 'True', reason: 'Ok' },
        { type: 'CredentialsValid', status: 'True', reason: 'Ok' },
      ],
      1,
      T1,
    );
    expect(conditions.map((c) => c.type)).toEqual(['DNSReady', 'Ready', 'CredentialsValid']);
    expect(input).toEqual(snapshot);
  });

  it('removeCondition says whether it removed anything', () => {
    const { conditions } = setCondition([], { type: 'Ready', status: 'True', reason: 'Ok' }, 1, T0);
    expect(removeCondition(conditions, 'Other').changed).toBe(false);
    expect(removeCondition(conditions, 'Ready')).toEqual({ conditions: [], changed: true });
  });
});
