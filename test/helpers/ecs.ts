import { CreateClusterCommand, RegisterTaskDefinitionCommand, type ContainerDefinition, type ECSClient, type KeyValuePair } from '@aws-sdk/client-ecs';

export const container = (name = 'app', environment: KeyValuePair[] = [], extra: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name,
  image: 'nginx:1',
  memory: 128,
  environment,
  ...extra,
});

export async function clusterAndFamily(ecs: ECSClient, family = 'web', containers = [container()], clusterName = 'default') {
  await ecs.send(new CreateClusterCommand({ clusterName }));
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: containers }));
  return taskDefinition!;
}

/** Polls until `check` holds; for states the SDK has no waiter for. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
