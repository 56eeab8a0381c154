import type { ActorSystem } from '../actors/system.ts';

/** An ECS operation: validated input in, the response body out (or a thrown EcsError). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Operation = (input: any, system: ActorSystem) => unknown | Promise<unknown>;

export type OperationTable = Record<string, Operation>;
