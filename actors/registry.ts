import { createActor, type Actor, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import type { SnapshotWriter } from '../persistence/snapshotWriter.ts';

export interface ActorEntry<TMachine extends AnyStateMachine> {
  arn: string;
  kind: string;
  actor: Actor<TMachine>;
  /** Settles when the newest snapshot of this actor is committed. */
  lastWrite: Promise<void>;
}

/**
 * Starts actors and keeps their snapshots flowing to DuckDB: every change of state is
 * written (coalesced by the writer), and `lastWrite` lets a command wait for durability.
 */
export class ActorHost {
  constructor(private readonly writer: SnapshotWriter) {}

  start<TMachine extends AnyStateMachine>(
    kind: string,
    arn: string,
    machine: TMachine,
    options: { input?: unknown; snapshot?: unknown },
  ): ActorEntry<TMachine> {
    const actor = createActor(machine, options as never) as Actor<TMachine>;
    actor.start();
    const entry: ActorEntry<TMachine> = { arn, kind, actor, lastWrite: Promise.resolve() };
    if (!options.snapshot) entry.lastWrite = this.save(entry);
    let last: SnapshotFrom<TMachine> = actor.getSnapshot();
    actor.subscribe((snapshot) => {
      if (snapshot === last) return;
      last = snapshot;
      entry.lastWrite = this.save(entry);
    });
    return entry;
  }

  /** Persists a record that belongs to no actor's snapshot, e.g. an immutable body. */
  writeRecord(kind: string, arn: string, value: unknown): Promise<void> {
    return this.writer.write(arn, kind, value);
  }

  /** Deletes a stopped actor's snapshot; the actor itself must already be stopped. */
  forget(entry: ActorEntry<AnyStateMachine>): Promise<void> {
    return this.writer.remove(entry.arn);
  }

  private save(entry: ActorEntry<AnyStateMachine>): Promise<void> {
    const write = this.writer.write(entry.arn, entry.kind, entry.actor.getPersistedSnapshot());
    write.catch(() => {}); // the command awaiting it reports the failure
    return write;
  }
}
