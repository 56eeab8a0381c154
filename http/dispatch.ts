import { serializationError, unknownOperation, unsupportedFeature } from '../actors/errors.ts';
import type { ActorSystem } from '../actors/system.ts';
import { clusterOperations } from './clusterOperations.ts';
import { ecsModel } from './model.ts';
import type { OperationTable } from './operation.ts';
import { tagOperations } from './tagOperations.ts';
import { taskDefinitionOperations } from './taskDefinitionOperations.ts';
import { validateRequest } from './validate.ts';

export const OPERATIONS: OperationTable = {
  ...clusterOperations,
  ...taskDefinitionOperations,
  ...tagOperations,
};

/** The operation an `X-Amz-Target` names; throws the client error for anything else. */
export function operationOf(target: string): string {
  const dot = target.lastIndexOf('.');
  const prefix = target.slice(0, dot);
  const name = target.slice(dot + 1);
  if (dot < 0 || prefix !== ecsModel.targetPrefix || !(name in ecsModel.operations)) {
    throw unknownOperation(target ? `Unknown operation '${target}'.` : 'Missing X-Amz-Target header.');
  }
  if (!(name in OPERATIONS)) {
    throw unsupportedFeature(`The operation ${name} is not supported by KECS yet.`);
  }
  return name;
}

export function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw serializationError('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw serializationError('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

export async function dispatch(system: ActorSystem, operation: string, body: Buffer): Promise<unknown> {
  const input = parseBody(body);
  validateRequest(operation, input);
  return OPERATIONS[operation](input, system);
}
