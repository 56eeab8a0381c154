import { assign, setup } from 'xstate';
import { mergeTags, removeTags, type Tag } from './tags.ts';

export interface ClusterSetting {
  name: string;
  value: string;
}

export interface CapacityProviderStrategyItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

/** What a client chooses about a cluster; everything else is derived. */
export interface ClusterSpec {
  settings: ClusterSetting[];
  configuration?: Record<string, unknown>;
  serviceConnectDefaults?: Record<string, unknown>;
  capacityProviders: string[];
  defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
  tags: Tag[];
}

export interface ClusterContext extends ClusterSpec {
  clusterArn: string;
  clusterName: string;
  createdAt: number;
  runningTasksCount: number;
  pendingTasksCount: number;
  activeServicesCount: number;
  registeredContainerInstancesCount: number;
}

export interface ClusterInput {
  clusterArn: string;
  clusterName: string;
  createdAt: number;
  spec: ClusterSpec;
}

export type ClusterEvent =
  | { type: 'runtime.provisioned' }
  | { type: 'runtime.deprovisioned' }
  | { type: 'ecs.recreate'; spec: ClusterSpec; at: number }
  | { type: 'ecs.updateCluster'; settings?: ClusterSetting[]; configuration?: Record<string, unknown>; serviceConnectDefaults?: Record<string, unknown> }
  | { type: 'ecs.updateSettings'; settings: ClusterSetting[] }
  | { type: 'ecs.putCapacityProviders'; capacityProviders: string[]; defaultCapacityProviderStrategy: CapacityProviderStrategyItem[] }
  | { type: 'ecs.tagResource'; tags: Tag[] }
  | { type: 'ecs.untagResource'; tagKeys: string[] }
  | { type: 'ecs.deleteCluster' };

/** Settings are keyed by name: a changed one replaces the old value. */
export function mergeSettings(current: ClusterSetting[], changed: ClusterSetting[]): ClusterSetting[] {
  const byName = new Map(current.map((s) => [s.name, s.value]));
  for (const s of changed) byName.set(s.name, s.value);
  return [...byName].map(([name, value]) => ({ name, value }));
}

export const clusterMachine = setup({
  types: {
    context: {} as ClusterContext,
    events: {} as ClusterEvent,
    input: {} as ClusterInput,
  },
  actions: {
    applyUpdate: assign(({ context, event }) => {
      if (event.type !== 'ecs.updateCluster') return {};
      return {
        settings: event.settings ? mergeSettings(context.settings, event.settings) : context.settings,
        configuration: event.configuration ?? context.configuration,
        serviceConnectDefaults: event.serviceConnectDefaults ?? context.serviceConnectDefaults,
      };
    }),
    applySettings: assign(({ context, event }) =>
      event.type === 'ecs.updateSettings' ? { settings: mergeSettings(context.settings, event.settings) } : {},
    ),
    applyCapacityProviders: assign(({ event }) =>
      event.type === 'ecs.putCapacityProviders'
        ? { capacityProviders: event.capacityProviders, defaultCapacityProviderStrategy: event.defaultCapacityProviderStrategy }
        : {},
    ),
    addTags: assign(({ context, event }) =>
      event.type === 'ecs.tagResource' ? { tags: mergeTags(context.tags, event.tags) } : {},
    ),
    removeTags: assign(({ context, event }) =>
      event.type === 'ecs.untagResource' ? { tags: removeTags(context.tags, event.tagKeys) } : {},
    ),
    resetSpec: assign(({ event }) =>
      event.type === 'ecs.recreate' ? { ...event.spec, createdAt: event.at } : {},
    ),
  },
}).createMachine({
  id: 'cluster',
  context: ({ input }) => ({
    ...input.spec,
    clusterArn: input.clusterArn,
    clusterName: input.clusterName,
    createdAt: input.createdAt,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    registeredContainerInstancesCount: 0,
  }),
  initial: 'PROVISIONING',
  on: {
    'ecs.tagResource': { actions: 'addTags' },
    'ecs.untagResource': { actions: 'removeTags' },
  },
  states: {
    PROVISIONING: {
      on: { 'runtime.provisioned': 'ACTIVE' },
    },
    ACTIVE: {
      on: {
        'ecs.updateCluster': { actions: 'applyUpdate' },
        'ecs.updateSettings': { actions: 'applySettings' },
        'ecs.putCapacityProviders': { actions: 'applyCapacityProviders' },
        'ecs.deleteCluster': 'DEPROVISIONING',
      },
    },
    DEPROVISIONING: {
      on: { 'runtime.deprovisioned': 'INACTIVE' },
    },
    INACTIVE: {
      on: { 'ecs.recreate': { target: 'PROVISIONING', actions: 'resetSpec' } },
    },
  },
});

export type ClusterStatus = 'PROVISIONING' | 'ACTIVE' | 'DEPROVISIONING' | 'INACTIVE';
