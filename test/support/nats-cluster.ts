import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ChildServer, freePort, tempDir } from './child-server.js';

/**
 * A three-server JetStream cluster on 127.0.0.1 for one test file: free client and route ports,
 * one temp store folder each, every server routed to the other two. `stop(i)` / `kill(i)`
 * (SIGKILL) / `start(i)` act on one server, on the same ports and store, so a test can take a
 * member down mid-stream and bring it back. `remove()` stops all and deletes the stores.
 *
 * @example
 * ```ts
 * const cluster = await natsCluster();
 * const nc = await connect({ servers: cluster.urls });
 * await cluster.kill(1);
 * await cluster.remove();
 * ```
 */
export async function natsCluster() {
  const clientPorts = [await freePort(), await freePort(), await freePort()];
  const routePorts = [await freePort(), await freePort(), await freePort()];
  const store = tempDir('nats-cluster');
  const servers = clientPorts.map((port, i) => {
    const file = path.join(store.dir, `n${i}.conf`);
    // A config file: jetstream's server_name and the cluster block read more clearly than flags.
    writeFileSync(
      file,
      [
        `server_name: n${i}`,
        `listen: 127.0.0.1:${port}`,
        `jetstream { store_dir: "${path.join(store.dir, `n${i}`)}" }`,
        `cluster {`,
        `  name: nodeflow-test`,
        `  listen: 127.0.0.1:${routePorts[i]}`,
        `  routes: [${routePorts.filter((_, k) => k !== i).map((p) => `nats-route://127.0.0.1:${p}`).join(', ')}]`,
        `}`,
      ].join('\n'),
    );
    return new ChildServer(`nats-server n${i}`, '/usr/sbin/nats-server', ['-c', file], port);
  });
  await Promise.all(servers.map((s) => s.start()));
  return {
    servers,
    urls: clientPorts.map((p) => `nats://127.0.0.1:${p}`),
    start: (i: number) => servers[i]!.start(),
    stop: (i: number) => servers[i]!.stop('SIGTERM'),
    kill: (i: number) => servers[i]!.stop('SIGKILL'),
    async remove() {
      await Promise.all(servers.map((s) => s.stop()));
      store.remove();
    },
  };
}
