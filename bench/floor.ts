import uWS from 'uWebSockets.js';

// The floor: bare uWS answering an AWS JSON request with a canned body of the size
// DescribeClusters returns. No emulator can be faster on this machine than this.
const body = JSON.stringify({
  clusters: [{ clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/bench', clusterName: 'bench', status: 'ACTIVE', registeredContainerInstancesCount: 0, runningTasksCount: 0, pendingTasksCount: 0, activeServicesCount: 0, statistics: [], tags: [], capacityProviders: [], defaultCapacityProviderStrategy: [] }],
  failures: [],
});

uWS
  .App()
  .post('/', (res) => {
    res.onAborted(() => {});
    res.onData((_chunk, isLast) => {
      if (isLast) res.cork(() => res.writeHeader('Content-Type', 'application/x-amz-json-1.1').end(body));
    });
  })
  .listen('127.0.0.1', 0, (socket) => {
    if (!socket) process.exit(1);
    console.log(JSON.stringify({ msg: 'listening', port: uWS.us_socket_local_port(socket as unknown as uWS.us_socket) }));
  });
