import { convertTask, type ConversionInput } from '../../kubernetes/converter.ts';

export type Json = Record<string, unknown>;

const TASK_ID = '0123456789abcdef0123456789abcdef';

/** A conversion input for task definition `web:1` (plus `taskDefinition`) in cluster `default`. */
export function conversionInput(taskDefinition: Json, overrides?: Json, metadata: Partial<ConversionInput> = {}): ConversionInput {
  return {
    spec: {
      taskArn: `arn:aws:ecs:us-east-1:000000000000:task/default/${TASK_ID}`,
      taskId: TASK_ID,
      clusterName: 'default',
      taskDefinition: { family: 'web', revision: 1, ...taskDefinition },
      overrides,
    },
    namespace: 'kecs-us-east-1-default',
    podName: `task-${TASK_ID}`,
    labels: {},
    annotations: {},
    ...metadata,
  };
}

export const convertDefinition = (taskDefinition: Json, overrides?: Json) => convertTask(conversionInput(taskDefinition, overrides));
