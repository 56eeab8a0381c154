import { serializationError, unknownOperation, unsupportedFeature } from '../actors/errors.ts';
import type { ActorSystem } from '../actors/system.ts';
import { clusterOperations } from './clusterOperations.ts';
import { ecsModel } from './model.ts';
import type { OperationTable } from './operation.ts';
import { tagOperations } from './tagOperations.ts';
import { taskDefinitionOperations } from './taskDefinitionOperations.ts';
import { taskOperations } from './taskOperations.ts';
import { validateRequest } from './validate.ts';

export const OPERATIONS: OperationTable = {
  ...clusterOperations,
  ...taskDefinitionOperations,
  ...taskOperations,
  ...tagOperations,
};

/** The ECS operation of the model an `X-Amz-Target` names, implemented or not. */
export function modelOperationOf(target: string): string | undefined {
  const dot = target.lastIndexOf('.');
  const name = target.slice(dot + 1);
  if (dot < 0 || target.slice(0, dot) !== ecsModel.targetPrefix || !Object.hasOwn(ecsModel.operations, name)) return undefined;
  return name;
}

/** The operation an `X-Amz-Target` names; throws the client error for anything else. */
export function operationOf(target: string): string {
  const name = modelOperationOf(target);
  if (name === undefined) {
    throw unknownOperation(target ? `Unknown operation '${target}'.` : 'Missing X-Amz-Target header.');
  }
  if (!Object.hasOwn(OPERATIONS, name)) {
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
  const input = validateRequest(operation, parseBody(body));
  return OPERATIONS[operation](input, system);
}
