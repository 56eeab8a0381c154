import type { OperationTable } from './operation.ts';

export const tagOperations: OperationTable = {
  async TagResource(input, { tags }) {
    await tags.tag(input.resourceArn, input.tags);
    return {};
  },

  async UntagResource(input, { tags }) {
    await tags.untag(input.resourceArn, input.tagKeys);
    return {};
  },

  ListTagsForResource(input, { tags }) {
    return { tags: tags.list(input.resourceArn) };
  },
};
