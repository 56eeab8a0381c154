import type { Tag } from '../machines/tags.ts';
import {
  taskDefinitionFamilyMachine,
  type RevisionStatus,
  type TaskDefinitionRecord,
} from '../machines/taskDefinitionFamilyMachine.ts';
import { familyArn, isArn, NAME, ownArn } from './arn.ts';
import type { ActorDeps } from './deps.ts';
import { clientError, invalidParameter } from './errors.ts';
import { paginate, type Page, type PageRequest } from './pagination.ts';
import type { ActorEntry } from './registry.ts';
import { validateTags } from './tags.ts';
import { buildTaskDefinition } from './taskDefinitionRules.ts';

export const FAMILY_KIND = 'task-definition-family';
/** The immutable body of one revision, stored once when it is registered. */
export const REVISION_KIND = 'task-definition-revision';
const NOT_FOUND = 'Unable to describe task definition.';

type FamilyEntry = ActorEntry<typeof taskDefinitionFamilyMachine>;

export interface TaskDefinitionRef {
  family: string;
  revision?: number;
}

export interface RevisionEntry {
  taskDefinition: TaskDefinitionRecord;
  tags: Tag[];
}

export interface Failure {
  arn: string;
  reason: string;
}

const orderKey = (td: TaskDefinitionRecord) => `${td.family}\u0000${String(td.revision).padStart(10, '0')}`;

/** The task-definition family actors and the commands on them. */
export class TaskDefinitions {
  private readonly families = new Map<string, FamilyEntry>();
  /** Revision ARN → the definition as registered (without status and dates). */
  private readonly bodies = new Map<string, Record<string, unknown>>();

  constructor(private readonly deps: ActorDeps) {}

  restoreRevision(arn: string, body: unknown): void {
    this.bodies.set(arn, body as Record<string, unknown>);
  }

  restore(arn: string, snapshot: unknown): void {
    const entry = this.deps.host.start(FAMILY_KIND, arn, taskDefinitionFamilyMachine, { snapshot });
    this.families.set(entry.actor.getSnapshot().context.family, entry);
  }

  /** A revision as ECS returns it: its definition plus what changed since it was registered. */
  private revisionOf(family: FamilyEntry, revision: number): RevisionEntry | undefined {
    const { familyArn, revisions } = family.actor.getSnapshot().context;
    const state = revisions[revision];
    const body = state && this.bodies.get(`${familyArn}:${revision}`);
    if (!state || !body) return undefined;
    const { tags, ...dates } = state;
    return { taskDefinition: { ...body, ...dates } as TaskDefinitionRecord, tags };
  }

  /** `family`, `family:revision` or a task-definition ARN; undefined when it cannot name one. */
  parseRef(ref: string): TaskDefinitionRef | undefined {
    let body = ref;
    if (isArn(ref)) {
      const parsed = ownArn(this.deps.partition, ref, 'task-definition');
      if (!parsed) return undefined;
      body = parsed.resource;
    }
    const m = /^([A-Za-z0-9_-]{1,255})(?::(\d{1,10}))?$/.exec(body);
    if (!m) return undefined;
    return { family: m[1], revision: m[2] === undefined ? undefined : Number(m[2]) };
  }

  private entryOf(ref: TaskDefinitionRef): RevisionEntry | undefined {
    const family = this.families.get(ref.family);
    if (!family) return undefined;
    const { revisions, lastRevision } = family.actor.getSnapshot().context;
    if (ref.revision !== undefined) return this.revisionOf(family, ref.revision);
    for (let r = lastRevision; r >= 1; r--) {
      if (revisions[r]?.status === 'ACTIVE') return this.revisionOf(family, r);
    }
    return undefined;
  }

  /** The revision a reference names (family alone: the latest ACTIVE one). */
  find(ref: string): RevisionEntry | undefined {
    const parsed = this.parseRef(ref);
    return parsed ? this.entryOf(parsed) : undefined;
  }

  private revisionRef(ref: string): TaskDefinitionRef & { revision: number } {
    const parsed = this.parseRef(ref);
    if (!parsed || parsed.revision === undefined) {
      throw clientError('The task definition must be specified as family:revision or as a full task definition ARN.');
    }
    return parsed as TaskDefinitionRef & { revision: number };
  }

  async register(input: Record<string, unknown>): Promise<RevisionEntry> {
    const taskDefinition = buildTaskDefinition(input, this.deps.partition.accountId);
    const tags = validateTags(input.tags as Tag[] | undefined);
    const family = taskDefinition.family as string;
    let entry = this.families.get(family);
    if (!entry) {
      const arn = familyArn(this.deps.partition, family);
      entry = this.deps.host.start(FAMILY_KIND, arn, taskDefinitionFamilyMachine, { input: { family, familyArn: arn } });
      this.families.set(family, entry);
    }
    entry.actor.send({ type: 'ecs.register', tags, at: this.deps.clock.now() / 1000 });
    const revision = entry.actor.getSnapshot().context.lastRevision;
    const arn = `${entry.arn}:${revision}`;
    const body = { taskDefinitionArn: arn, ...taskDefinition, family, revision };
    this.bodies.set(arn, body);
    // Enqueued in the same tick as the family's snapshot, so both land in one commit.
    const bodyWrite = this.deps.host.writeRecord(REVISION_KIND, arn, body);
    await Promise.all([entry.lastWrite, bodyWrite]);
    return this.revisionOf(entry, revision)!;
  }

  describe(ref: string): RevisionEntry {
    const found = this.find(ref);
    if (!found || found.taskDefinition.status === 'DELETE_IN_PROGRESS') throw clientError(NOT_FOUND);
    return found;
  }

  async deregister(ref: string): Promise<RevisionEntry> {
    const parsed = this.revisionRef(ref);
    const found = this.entryOf(parsed);
    if (!found || found.taskDefinition.status === 'DELETE_IN_PROGRESS') throw clientError(NOT_FOUND);
    const family = this.families.get(parsed.family)!;
    family.actor.send({ type: 'ecs.deregister', revision: parsed.revision, at: this.deps.clock.now() / 1000 });
    await family.lastWrite;
    return this.entryOf(parsed)!;
  }

  async delete(refs: string[]): Promise<{ deleted: RevisionEntry[]; failures: Failure[] }> {
    if (refs.length > 10) throw invalidParameter('You can specify up to 10 task definitions in a single request.');
    const deleted: RevisionEntry[] = [];
    const failures: Failure[] = [];
    const touched = new Set<FamilyEntry>();
    for (const ref of refs) {
      const parsed = this.parseRef(ref);
      const found = parsed?.revision !== undefined ? this.entryOf(parsed) : undefined;
      if (!parsed || parsed.revision === undefined || !found) {
        failures.push({ arn: ref, reason: 'The specified task definition does not exist.' });
        continue;
      }
      if (found.taskDefinition.status === 'ACTIVE') {
        failures.push({
          arn: found.taskDefinition.taskDefinitionArn,
          reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
        });
        continue;
      }
      const family = this.families.get(parsed.family)!;
      family.actor.send({ type: 'ecs.delete', revision: parsed.revision, at: this.deps.clock.now() / 1000 });
      touched.add(family);
      deleted.push(this.entryOf(parsed)!);
    }
    await Promise.all([...touched].map((f) => f.lastWrite));
    return { deleted, failures };
  }

  list(request: PageRequest & { familyPrefix?: string; status?: RevisionStatus; sort?: 'ASC' | 'DESC' }): Page<string> {
    const status = request.status ?? 'ACTIVE';
    const families = request.familyPrefix !== undefined ? [this.families.get(request.familyPrefix)] : [...this.families.values()];
    const all: TaskDefinitionRecord[] = [];
    for (const family of families) {
      if (!family) continue;
      for (const [revision, state] of Object.entries(family.actor.getSnapshot().context.revisions)) {
        if (state.status !== status) continue;
        const found = this.revisionOf(family, Number(revision));
        if (found) all.push(found.taskDefinition);
      }
    }
    const descending = request.sort === 'DESC';
    all.sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : 1) * (descending ? -1 : 1));
    const page = paginate(all, orderKey, request, 100, descending);
    return { ...page, items: page.items.map((td) => td.taskDefinitionArn) };
  }

  listFamilies(request: PageRequest & { familyPrefix?: string; status?: 'ACTIVE' | 'INACTIVE' | 'ALL' }): Page<string> {
    const status = request.status ?? 'ACTIVE';
    const names = [...this.families.keys()]
      .filter((name) => request.familyPrefix === undefined || name.startsWith(request.familyPrefix))
      .filter((name) => {
        if (status === 'ALL') return true;
        const revisions = Object.values(this.families.get(name)!.actor.getSnapshot().context.revisions);
        const active = revisions.some((r) => r.status === 'ACTIVE');
        return status === 'ACTIVE' ? active : !active;
      })
      .sort();
    return paginate(names, (n) => n, request, 100);
  }

  /** For tagging: the family actor and revision a task-definition ARN names. */
  tagTarget(arn: string): { entry: FamilyEntry; revision: number; tags: Tag[] } | undefined {
    const parsed = isArn(arn) ? this.parseRef(arn) : undefined;
    if (!parsed || parsed.revision === undefined || !NAME.test(parsed.family)) return undefined;
    const found = this.entryOf(parsed);
    const entry = this.families.get(parsed.family);
    if (!found || !entry || found.taskDefinition.status === 'DELETE_IN_PROGRESS') return undefined;
    return { entry, revision: parsed.revision, tags: found.tags };
  }
}
