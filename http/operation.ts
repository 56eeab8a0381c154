import type { ActorSystem } from '../actors/system.ts';

/** An ECS operation: validated input in, the response body out (or a thrown EcsError). The
 * input is typed loosely on purpose: the model validator has already checked its shape. */
export type Operation = (input: any, system: ActorSystem) => unknown | Promise<unknown>;

export type OperationTable = Record<string, Operation>;
