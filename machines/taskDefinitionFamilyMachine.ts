import { assign, setup } from 'xstate';
import { mergeTags, removeTags, type Tag } from './tags.ts';

export type RevisionStatus = 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';

/** A task definition as ECS returns it. */
export interface TaskDefinitionRecord extends Record<string, unknown> {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: RevisionStatus;
  registeredAt: number;
  deregisteredAt?: number;
  deleteRequestedAt?: number;
}

/**
 * What changes about a revision after it is registered. The definition itself never
 * changes, so it is stored once beside the family rather than in every snapshot of it.
 */
export interface RevisionState {
  status: RevisionStatus;
  registeredAt: number;
  deregisteredAt?: number;
  deleteRequestedAt?: number;
  tags: Tag[];
}

export interface FamilyContext {
  family: string;
  /** `arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY`; a revision ARN appends `:N`. */
  familyArn: string;
  lastRevision: number;
  revisions: Record<string, RevisionState>;
}

export interface FamilyInput {
  family: string;
  familyArn: string;
}

export type FamilyEvent =
  | { type: 'ecs.register'; tags: Tag[]; at: number }
  | { type: 'ecs.deregister'; revision: number; at: number }
  | { type: 'ecs.delete'; revision: number; at: number }
  | { type: 'ecs.tagResource'; revision: number; tags: Tag[] }
  | { type: 'ecs.untagResource'; revision: number; tagKeys: string[] };

function patchRevision(context: FamilyContext, revision: number, patch: (r: RevisionState) => Partial<RevisionState>) {
  const current = context.revisions[revision];
  return { revisions: { ...context.revisions, [revision]: { ...current, ...patch(current) } } };
}

export const taskDefinitionFamilyMachine = setup({
  types: {
    context: {} as FamilyContext,
    events: {} as FamilyEvent,
    input: {} as FamilyInput,
  },
  guards: {
    hasActiveRevision: ({ context, event }) =>
      'revision' in event && context.revisions[event.revision]?.status === 'ACTIVE',
    hasInactiveRevision: ({ context, event }) =>
      'revision' in event && context.revisions[event.revision]?.status === 'INACTIVE',
    hasRevision: ({ context, event }) => 'revision' in event && event.revision in context.revisions,
  },
  actions: {
    assignRevision: assign(({ context, event }) => {
      if (event.type !== 'ecs.register') return {};
      const revision = context.lastRevision + 1;
      const state: RevisionState = { status: 'ACTIVE', registeredAt: event.at, tags: event.tags };
      return { lastRevision: revision, revisions: { ...context.revisions, [revision]: state } };
    }),
    markInactive: assign(({ context, event }) =>
      event.type === 'ecs.deregister' ? patchRevision(context, event.revision, () => ({ status: 'INACTIVE', deregisteredAt: event.at })) : {},
    ),
    markDeleteInProgress: assign(({ context, event }) =>
      event.type === 'ecs.delete'
        ? patchRevision(context, event.revision, () => ({ status: 'DELETE_IN_PROGRESS', deleteRequestedAt: event.at }))
        : {},
    ),
    addTags: assign(({ context, event }) =>
      event.type === 'ecs.tagResource' ? patchRevision(context, event.revision, (r) => ({ tags: mergeTags(r.tags, event.tags) })) : {},
    ),
    removeTags: assign(({ context, event }) =>
      event.type === 'ecs.untagResource'
        ? patchRevision(context, event.revision, (r) => ({ tags: removeTags(r.tags, event.tagKeys) }))
        : {},
    ),
  },
}).createMachine({
  id: 'taskDefinitionFamily',
  context: ({ input }) => ({ family: input.family, familyArn: input.familyArn, lastRevision: 0, revisions: {} }),
  initial: 'open',
  states: {
    // A family never closes: revision numbers keep increasing even after every revision is gone.
    open: {
      on: {
        'ecs.register': { actions: 'assignRevision' },
        'ecs.deregister': { guard: 'hasActiveRevision', actions: 'markInactive' },
        'ecs.delete': { guard: 'hasInactiveRevision', actions: 'markDeleteInProgress' },
        'ecs.tagResource': { guard: 'hasRevision', actions: 'addTags' },
        'ecs.untagResource': { guard: 'hasRevision', actions: 'removeTags' },
      },
    },
  },
});
