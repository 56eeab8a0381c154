import type { Logger } from 'pino';
import type { Runtime } from '../kubernetes/runtime.ts';
import type { Partition } from './arn.ts';
import type { Clock } from './clock.ts';
import type { ActorHost } from './registry.ts';

/** What every manager needs, handed down from main.ts. */
export interface ActorDeps {
  partition: Partition;
  clock: Clock;
  host: ActorHost;
  runtime: Runtime;
  logger: Logger;
}
