import type { Tag } from '../machines/tags.ts';
import { parseArn } from './arn.ts';
import type { Clusters } from './clusters.ts';
import { clusterNotFound, invalidParameter, resourceNotFound } from './errors.ts';
import { validateTagKeys, validateTags } from './tags.ts';
import type { TaskDefinitions } from './taskDefinitions.ts';
import type { Tasks } from './tasks.ts';

/** Tagging of any taggable resource, routed by ARN to the actor that owns it. */
export class ResourceTags {
  constructor(
    private readonly clusters: Clusters,
    private readonly taskDefinitions: TaskDefinitions,
    private readonly tasks: Tasks,
  ) {}

  private target(arn: string) {
    const parsed = parseArn(arn);
    if (!parsed) throw invalidParameter(`The ARN '${arn}' is not valid.`);
    if (parsed.type === 'cluster') {
      const entry = this.clusters.find(arn);
      if (!entry || entry.actor.getSnapshot().value === 'INACTIVE') throw clusterNotFound();
      return {
        tags: entry.actor.getSnapshot().context.tags,
        add: (tags: Tag[]) => entry.actor.send({ type: 'ecs.tagResource', tags }),
        remove: (tagKeys: string[]) => entry.actor.send({ type: 'ecs.untagResource', tagKeys }),
        written: () => entry.lastWrite,
      };
    }
    if (parsed.type === 'task-definition') {
      const target = this.taskDefinitions.tagTarget(arn);
      if (!target) throw resourceNotFound('The specified resource could not be found.');
      const { entry, revision } = target;
      return {
        tags: target.tags,
        add: (tags: Tag[]) => entry.actor.send({ type: 'ecs.tagResource', revision, tags }),
        remove: (tagKeys: string[]) => entry.actor.send({ type: 'ecs.untagResource', revision, tagKeys }),
        written: () => entry.lastWrite,
      };
    }
    if (parsed.type === 'task') {
      const entry = this.tasks.tagTarget(arn);
      if (!entry) throw invalidParameter('The specified task was not found.');
      return {
        tags: this.tasks.tagsOf(entry),
        add: (tags: Tag[]) => entry.actor.send({ type: 'ecs.tagResource', tags }),
        remove: (tagKeys: string[]) => entry.actor.send({ type: 'ecs.untagResource', tagKeys }),
        written: () => entry.lastWrite,
      };
    }
    throw invalidParameter(`Tagging is not supported for resources of type '${parsed.type}' yet.`);
  }

  async tag(arn: string, tags: Tag[]): Promise<void> {
    const target = this.target(arn);
    target.add(validateTags(tags, target.tags));
    await target.written();
  }

  async untag(arn: string, tagKeys: string[]): Promise<void> {
    const target = this.target(arn);
    target.remove(validateTagKeys(tagKeys));
    await target.written();
  }

  list(arn: string): Tag[] {
    return this.target(arn).tags;
  }
}
