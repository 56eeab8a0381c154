import test from 'ava';
import { CreateClusterCommand, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { startServer } from './helpers/server.ts';

// Each ava test file runs in its own process, so registering a global SDK here is contained.
const exporter = new tracing.InMemorySpanExporter();
const sdk = new NodeSDK({ serviceName: 'kecs-test', spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
sdk.start();
test.after.always(() => sdk.shutdown());

test('every API request is a server span named after its operation, with the request id', async (t) => {
  const s = await startServer();
  t.teardown(() => s.close());
  const created = await s.ecs.send(new CreateClusterCommand({ clusterName: 'traced' }));
  await t.throwsAsync(s.ecs.send(new DescribeClustersCommand({ include: ['NOPE' as never] })));
  const spans = exporter.getFinishedSpans();
  const create = spans.find((x) => x.name === 'ECS CreateCluster');
  t.truthy(create);
  t.is(create!.attributes['aws.request_id'], created.$metadata.requestId);
  t.is(create!.attributes['http.response.status_code'], 200);
  const failed = spans.find((x) => x.name === 'ECS DescribeClusters');
  t.is(failed?.attributes['aws.error_code'], 'InvalidParameterException');
});
