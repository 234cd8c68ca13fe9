import { ChildServer, freePort, tempDir } from './child-server.js';

/**
 * A nats-server with JetStream (file store in a temp folder) on a free 127.0.0.1 port, for one
 * test file. `stop()` + `start()` restarts it on the same port and store (a broker restart);
 * `remove()` stops it and deletes the store.
 */
export async function natsServer(options: { start?: boolean } = {}) {
  const port = await freePort();
  const store = tempDir('nats');
  const server = new ChildServer('nats-server', '/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store.dir], port);
  if (options.start !== false) await server.start();
  return {
    server,
    port,
    url: `nats://127.0.0.1:${port}`,
    async remove() {
      await server.stop();
      store.remove();
    },
  };
}
