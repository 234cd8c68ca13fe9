// Shared set-up of the JetStream log tests: one nats-server per test file (free port, temp
// store), a fresh stream name per test, every log opened closed after it.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { NodeflowError } from '../../../src/errors.js';
import type { StreamMessage } from '../../../src/message.js';
import { openJetStreamLog, type JetStreamLog } from '../../../src/record/jetstream/jetstream-log.js';
import type { JetStreamLogOptions } from '../../../src/record/jetstream/options.js';
import { natsServer } from '../../support/nats-server.js';

type Server = Awaited<ReturnType<typeof natsServer>>;

/** Starts a server for the file; `open` opens a log on a fresh stream, closed after each test. */
export function jetStreamFixture() {
  const f = { nats: undefined as unknown as Server, logs: [] as JetStreamLog[], errors: [] as NodeflowError[], n: 0 };
  beforeAll(async () => void (f.nats = await natsServer()));
  afterAll(async () => f.nats.remove());
  afterEach(async () => {
    for (const log of f.logs.splice(0)) await log.close();
    f.errors.length = 0;
  });
  return {
    get url() {
      return f.nats.url;
    },
    get server() {
      return f.nats.server;
    },
    errors: f.errors,
    /** A stream name no other test of the file uses. */
    name: () => `rec-${process.pid}-${++f.n}`,
    async open(options: Partial<JetStreamLogOptions> = {}): Promise<JetStreamLog> {
      const log = await openJetStreamLog({ servers: f.nats.url, stream: `rec-${process.pid}-${++f.n}`, onError: (e) => f.errors.push(e), ...options });
      f.logs.push(log);
      return log;
    },
  };
}

/**
 * The stream `stream` as the code of format `version` left it: one batch of `messages` from seq
 * 1 (numeric bodies are the same bytes in every version; only the mark differs). `mark` sets its
 * description, `description` reads it; close `nc` when done.
 */
export async function olderStream(url: string, stream: string, messages: StreamMessage[], version: number) {
  const first = await openJetStreamLog({ servers: url, stream });
  first.append({ seq: 1, at: 0, messages });
  await first.close();
  const nc = await connect({ servers: url, noAsyncTraces: true });
  const jsm = await jetstreamManager(nc);
  const mark = async (description: string): Promise<void> => void (await jsm.streams.update(stream, { ...(await jsm.streams.info(stream)).config, description }));
  const description = async (): Promise<string | undefined> => (await jsm.streams.info(stream)).config.description;
  await mark(`nodeflow-record-log v${version}`);
  return { nc, mark, description };
}
