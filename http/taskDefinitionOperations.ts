import type { OperationTable } from './operation.ts';

const withToken = (nextToken: string | undefined) => (nextToken ? { nextToken } : {});

export const taskDefinitionOperations: OperationTable = {
  async RegisterTaskDefinition(input, { taskDefinitions }) {
    const { taskDefinition, tags } = await taskDefinitions.register(input);
    return { taskDefinition, tags };
  },

  DescribeTaskDefinition(input, { taskDefinitions }) {
    const { taskDefinition, tags } = taskDefinitions.describe(input.taskDefinition);
    return { taskDefinition, ...((input.include ?? []).includes('TAGS') ? { tags } : {}) };
  },

  ListTaskDefinitions(input, { taskDefinitions }) {
    const page = taskDefinitions.list(input);
    return { taskDefinitionArns: page.items, ...withToken(page.nextToken) };
  },

  ListTaskDefinitionFamilies(input, { taskDefinitions }) {
    const page = taskDefinitions.listFamilies(input);
    return { families: page.items, ...withToken(page.nextToken) };
  },

  async DeregisterTaskDefinition(input, { taskDefinitions }) {
    return { taskDefinition: (await taskDefinitions.deregister(input.taskDefinition)).taskDefinition };
  },

  async DeleteTaskDefinitions(input, { taskDefinitions }) {
    const { deleted, failures } = await taskDefinitions.delete(input.taskDefinitions);
    return { taskDefinitions: deleted.map((d) => d.taskDefinition), failures };
  },
};
