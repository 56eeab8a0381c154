import {
  clusterMachine,
  mergeSettings,
  type CapacityProviderStrategyItem,
  type ClusterContext,
  type ClusterSetting,
  type ClusterSpec,
  type ClusterStatus,
} from '../machines/clusterMachine.ts';
import type { Tag } from '../machines/tags.ts';
import { clusterArn, isArn, NAME, ownArn } from './arn.ts';
import type { ActorDeps } from './deps.ts';
import { clusterContainsTasks, clusterNotFound, invalidParameter, limitExceeded } from './errors.ts';
import { paginate, type Page, type PageRequest } from './pagination.ts';
import type { ActorEntry } from './registry.ts';
import { validateTags } from './tags.ts';

export const CLUSTER_KIND = 'cluster';
export const MAX_CLUSTERS = 10_000;
const DEFAULT_CLUSTER = 'default';
const KNOWN_CAPACITY_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT']);

export type ClusterEntry = ActorEntry<typeof clusterMachine>;

export interface ClusterView extends ClusterContext {
  status: ClusterStatus;
}

export interface CreateClusterInput {
  clusterName?: string;
  tags?: Tag[];
  settings?: ClusterSetting[];
  configuration?: Record<string, unknown>;
  capacityProviders?: string[];
  defaultCapacityProviderStrategy?: CapacityProviderStrategyItem[];
  serviceConnectDefaults?: Record<string, unknown>;
}

export interface Described<T> {
  found: T[];
  missing: string[];
}

/** What the cluster's counts are derived from: the tasks (and later services) in it. */
export interface ClusterUsage {
  counts(clusterName: string): { running: number; pending: number; active: number };
}

function validateCapacityProviders(providers: string[], strategy: CapacityProviderStrategyItem[]): void {
  for (const p of providers) {
    if (!KNOWN_CAPACITY_PROVIDERS.has(p)) {
      throw invalidParameter(`The specified capacity provider '${p}' does not exist. Specify a valid capacity provider and try again.`);
    }
  }
  if (new Set(providers).size !== providers.length) {
    throw invalidParameter('The specified capacity providers contain duplicates.');
  }
  for (const item of strategy) {
    if (!providers.includes(item.capacityProvider)) {
      throw invalidParameter(
        'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
      );
    }
  }
  if (strategy.filter((i) => (i.base ?? 0) > 0).length > 1) {
    throw invalidParameter('Only one capacity provider in a capacity provider strategy can have a base defined.');
  }
}

function validateSettings(settings: ClusterSetting[]): void {
  for (const s of settings) {
    if (!['enabled', 'disabled', 'enhanced'].includes(s.value)) {
      throw invalidParameter(`Invalid value for setting '${s.name}': '${s.value}'. Valid values are enabled, disabled and enhanced.`);
    }
  }
}

/** The cluster actors, by name, and the commands on them. */
export class Clusters {
  private readonly byName = new Map<string, ClusterEntry>();
  private usage: ClusterUsage = { counts: () => ({ running: 0, pending: 0, active: 0 }) };

  constructor(private readonly deps: ActorDeps) {}

  /** Late-bound, since the tasks need the clusters too. */
  attachUsage(usage: ClusterUsage): void {
    this.usage = usage;
  }

  view(entry: ClusterEntry): ClusterView {
    const snapshot = entry.actor.getSnapshot();
    const counts = this.usage.counts(snapshot.context.clusterName);
    return {
      ...snapshot.context,
      status: snapshot.value as ClusterStatus,
      runningTasksCount: counts.running,
      pendingTasksCount: counts.pending,
    };
  }

  restore(arn: string, snapshot: unknown): void {
    const entry = this.deps.host.start(CLUSTER_KIND, arn, clusterMachine, { snapshot });
    this.byName.set(entry.actor.getSnapshot().context.clusterName, entry);
  }

  /**
   * Re-applies each cluster's runtime effect after a restart (effects are idempotent), and
   * finishes provisioning or deprovisioning that a crash interrupted.
   */
  async reconcile(): Promise<void> {
    for (const entry of this.byName.values()) {
      const { value, context } = entry.actor.getSnapshot();
      if (value === 'PROVISIONING' || value === 'ACTIVE') {
        await this.deps.runtime.provisionCluster(context.clusterName);
        entry.actor.send({ type: 'runtime.provisioned' });
      } else if (value === 'DEPROVISIONING') {
        await this.deps.runtime.deprovisionCluster(context.clusterName);
        entry.actor.send({ type: 'runtime.deprovisioned' });
      }
      await entry.lastWrite;
    }
  }

  /** Resolves a name or ARN (omitted means `default`) to the name ECS would use. */
  nameOf(ref: string | undefined): string | undefined {
    if (ref === undefined || ref === '') return DEFAULT_CLUSTER;
    if (!isArn(ref)) return NAME.test(ref) ? ref : undefined;
    const parsed = ownArn(this.deps.partition, ref, 'cluster');
    return parsed && NAME.test(parsed.resource) ? parsed.resource : undefined;
  }

  arnOf(ref: string | undefined): string {
    const name = this.nameOf(ref);
    if (name) return clusterArn(this.deps.partition, name);
    return ref ?? clusterArn(this.deps.partition, DEFAULT_CLUSTER);
  }

  find(ref: string | undefined): ClusterEntry | undefined {
    const name = this.nameOf(ref);
    return name === undefined ? undefined : this.byName.get(name);
  }

  /** A cluster in any status; DescribeTasks and ListTasks work on INACTIVE ones too. */
  existing(ref: string | undefined): ClusterEntry {
    const entry = this.find(ref);
    if (!entry) throw clusterNotFound();
    return entry;
  }

  /** The cluster a command acts on: it must exist and be ACTIVE. */
  active(ref: string | undefined): ClusterEntry {
    const entry = this.find(ref);
    if (!entry || entry.actor.getSnapshot().value !== 'ACTIVE') throw clusterNotFound();
    return entry;
  }

  async create(input: CreateClusterInput): Promise<ClusterView> {
    const name = input.clusterName ?? DEFAULT_CLUSTER;
    if (!NAME.test(name)) {
      throw invalidParameter('Cluster name can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.');
    }
    const capacityProviders = input.capacityProviders ?? [];
    const strategy = input.defaultCapacityProviderStrategy ?? [];
    validateCapacityProviders(capacityProviders, strategy);
    validateSettings(input.settings ?? []);
    const spec: ClusterSpec = {
      settings: mergeSettings([{ name: 'containerInsights', value: 'disabled' }], input.settings ?? []),
      configuration: input.configuration,
      serviceConnectDefaults: input.serviceConnectDefaults,
      capacityProviders,
      defaultCapacityProviderStrategy: strategy,
      tags: validateTags(input.tags),
    };

    const existing = this.byName.get(name);
    let entry: ClusterEntry;
    if (existing) {
      // CreateCluster is idempotent by name; an INACTIVE cluster is brought back with the new spec.
      if (existing.actor.getSnapshot().value !== 'INACTIVE') return this.view(existing);
      existing.actor.send({ type: 'ecs.recreate', spec, at: this.deps.clock.now() });
      entry = existing;
    } else {
      if (this.byName.size >= MAX_CLUSTERS) {
        throw limitExceeded(`The maximum number of clusters (${MAX_CLUSTERS}) for this account has been reached.`);
      }
      const arn = clusterArn(this.deps.partition, name);
      entry = this.deps.host.start(CLUSTER_KIND, arn, clusterMachine, {
        input: { clusterArn: arn, clusterName: name, createdAt: this.deps.clock.now(), spec },
      });
      this.byName.set(name, entry);
    }
    await this.deps.runtime.provisionCluster(name);
    entry.actor.send({ type: 'runtime.provisioned' });
    await entry.lastWrite;
    return this.view(entry);
  }

  describe(refs: string[] | undefined): Described<ClusterView> {
    const wanted = refs && refs.length > 0 ? refs : [DEFAULT_CLUSTER];
    if (wanted.length > 100) throw invalidParameter('The number of clusters to describe must be 100 or fewer.');
    const found: ClusterView[] = [];
    const missing: string[] = [];
    for (const ref of wanted) {
      const entry = this.find(ref);
      if (entry) found.push(this.view(entry));
      else missing.push(this.arnOf(ref));
    }
    return { found, missing };
  }

  list(request: PageRequest): Page<string> {
    const names = [...this.byName.keys()]
      .filter((n) => this.byName.get(n)!.actor.getSnapshot().value !== 'INACTIVE')
      .sort();
    const page = paginate(names, (n) => n, request, 100);
    return { ...page, items: page.items.map((n) => this.byName.get(n)!.arn) };
  }

  async delete(ref: string | undefined): Promise<ClusterView> {
    const entry = this.active(ref);
    const name = entry.actor.getSnapshot().context.clusterName;
    if (this.usage.counts(name).active > 0) {
      throw clusterContainsTasks('The Cluster cannot be deleted while Tasks are active.');
    }
    entry.actor.send({ type: 'ecs.deleteCluster' });
    await this.deps.runtime.deprovisionCluster(name);
    entry.actor.send({ type: 'runtime.deprovisioned' });
    await entry.lastWrite;
    return this.view(entry);
  }

  async update(
    ref: string | undefined,
    change: { settings?: ClusterSetting[]; configuration?: Record<string, unknown>; serviceConnectDefaults?: Record<string, unknown> },
  ): Promise<ClusterView> {
    const entry = this.active(ref);
    validateSettings(change.settings ?? []);
    entry.actor.send({ type: 'ecs.updateCluster', ...change });
    await entry.lastWrite;
    return this.view(entry);
  }

  async updateSettings(ref: string | undefined, settings: ClusterSetting[]): Promise<ClusterView> {
    const entry = this.active(ref);
    validateSettings(settings);
    entry.actor.send({ type: 'ecs.updateSettings', settings });
    await entry.lastWrite;
    return this.view(entry);
  }

  async putCapacityProviders(
    ref: string | undefined,
    capacityProviders: string[],
    strategy: CapacityProviderStrategyItem[],
  ): Promise<ClusterView> {
    const entry = this.active(ref);
    validateCapacityProviders(capacityProviders, strategy);
    entry.actor.send({ type: 'ecs.putCapacityProviders', capacityProviders, defaultCapacityProviderStrategy: strategy });
    await entry.lastWrite;
    return this.view(entry);
  }
}
