import type { V1Deployment } from '@kubernetes/client-node';
import { CONFIG_HASH_ANNOTATION } from '../../api/constants.js';
import { holdForRollout } from './rollout-guard.js';

function deployment(hash: string, status: V1Deployment['status'], generation = 2): V1Deployment {
  return {
    metadata: { generation },
    spec: {
      replicas: 2,
      selector: {},
      template: { metadata: { annotations: { [CONFIG_HASH_ANNOTATION]: hash } } },
    },
    status,
  };
}
const done = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2 };
const rolling = { observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 2 };

describe('holdForRollout', () => {
  it.each<[string, V1Deployment | undefined, string, boolean]>([
    ['no Deployment yet', undefined, 'new', false],
    ['rolled out, new config', deployment('old', done), 'new', false],
    ['rolling out, same config', deployment('new', rolling), 'new', false],
    ['rolling out another config', deployment('old', rolling), 'new', true],
    ['not observed yet', deployment('old', { ...done, observedGeneration: 1 }), 'new', true],
    [
      'stuck past its progress deadline',
      deployment('old', {
        ...rolling,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
      'new',
      false,
    ],
    [
      'progressing, among other conditions',
      deployment('old', {
        ...rolling,
        conditions: [
          { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
          { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
        ],
      }),
      'new',
      true,
    ],
    [
      'another condition False is no stuck rollout',
      deployment('old', {
        ...rolling,
        conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }],
      }),
      'new',
      true,
    ],
    [
      'stuck, with other conditions beside',
      deployment('old', {
        ...rolling,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' },
        ],
      }),
      'new',
      false,
    ],
  ])('%s → hold %s', (_label, live, hash, expected) => {
    expect(holdForRollout(live, 2, hash)).toBe(expected);
  });
});
