import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildServer, freePort, tempDir } from './child-server.js';

/** Options of a test broker; the mosquitto defaults otherwise. */
export interface MosquittoOptions {
  /** max_inflight_messages: QoS 1 messages sent to one client and not yet acknowledged. */
  readonly maxInflight?: number;
  /** max_queued_messages: QoS 1 messages queued per client beyond those in flight (0: no limit). */
  readonly maxQueued?: number;
  /** A port chosen before (for a broker that is down at start); a free one otherwise. */
  readonly port?: number;
  /** An ACL file's text (anonymous rules first, e.g. 'topic readwrite ok/#'): what clients may publish and read. */
  readonly acl?: string;
  /** Extra lines for mosquitto.conf. */
  readonly extra?: readonly string[];
}

/**
 * A mosquitto broker for one test file: a generated config in a temp folder (127.0.0.1 only,
 * anonymous, persistence in the folder, so a restart keeps sessions and queued QoS 1 messages).
 * `stop()` then `start()` restarts it on the same port; `dispose()` stops it and removes the folder.
 */
export async function mosquitto(options: MosquittoOptions = {}) {
  const port = options.port ?? (await freePort());
  const tmp = tempDir('mosquitto');
  const conf = path.join(tmp.dir, 'mosquitto.conf');
  const lines = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    // Run as root, mosquitto drops to user 'mosquitto', which cannot write our temp folder: stay who we are.
    `user ${os.userInfo().username}`,
    'persistence true',
    `persistence_location ${tmp.dir}/`,
    'log_dest stderr', // unbuffered (stdout to a pipe is not): tests read it as it happens,
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    ...(options.maxInflight === undefined ? [] : [`max_inflight_messages ${options.maxInflight}`]),
    ...(options.maxQueued === undefined ? [] : [`max_queued_messages ${options.maxQueued}`]),
    ...(options.acl === undefined ? [] : [`acl_file ${path.join(tmp.dir, 'acl')}`]),
    ...(options.extra ?? []),
  ];
  if (options.acl !== undefined) writeFileSync(path.join(tmp.dir, 'acl'), options.acl + '\n');
  writeFileSync(conf, lines.join('\n') + '\n');
  const server = new ChildServer('mosquitto', '/usr/sbin/mosquitto', ['-c', conf], port);
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir: tmp.dir,
    server,
    start: () => server.start(),
    stop: () => server.stop(),
    async dispose() {
      await server.stop();
      tmp.remove();
    },
  };
}

export type Mosquitto = Awaited<ReturnType<typeof mosquitto>>;
