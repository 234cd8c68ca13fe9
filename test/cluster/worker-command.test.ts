// `nodeflow worker` through main(), both streams captured: usage errors exit 2 with a reason,
// --help prints the worker usage, and a worker on a real nats-server prints its ready line, takes
// a part, and stops cleanly when `until` settles (SIGINT/SIGTERM in the real CLI).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { executeOnCluster, natsCluster } from '../../src/cluster/index.js';
import { WorkflowEngine } from '../../src/index.js';
import { natsServer } from '../support/nats-server.js';

const capture = () => {
  let text = '';
  return { write: (s: string) => void (text += s), text: () => text };
};
const run = async (argv: string[], until: Promise<unknown> = Promise.resolve()) => {
  const out = capture();
  const err = capture();
  const code = await main(argv, out.write, err.write, until);
  return { code, out: out.text(), err: err.text() };
};

let nats: Awaited<ReturnType<typeof natsServer>>;
beforeAll(async () => void (nats = await natsServer()), 30_000);
afterAll(async () => await nats?.remove());

describe('nodeflow worker', () => {
  it('refuses bad arguments with exit code 2 and says why', async () => {
    const cases: Array<[string[], string]> = [
      [['worker'], 'worker needs --nats URL'],
      [['worker', '--nats', 'nats://x:1'], 'worker needs --name NAME'],
      [['worker', '--nats', 'nats://x:1', '--name', 'w.1'], '--name must be a NATS subject token'],
      [['worker', '--nats'], '--nats needs a value'],
      [['worker', '--frob', 'x'], 'unknown argument --frob'],
      [['worker', '--nats', nats?.url ?? 'nats://x:1', '--name', 'w1', '--types', path.join(import.meta.dirname, 'nope.js')], 'cannot load --types'],
    ];
    for (const [argv, why] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toContain(why);
      expect(r.out).toBe('');
    }
  });

  it('--help prints the worker usage and exits 0; the top-level usage names the command', async () => {
    const r = await run(['worker', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: nodeflow worker --nats URL --name NAME \[--types MODULE\]\n/);
    expect(r.out).toContain('--types');
    expect((await run(['--help'])).out).toContain('nodeflow worker --nats URL --name NAME');
  });

  it('loads --types, prints a ready line, runs a part, and stops when told', async () => {
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const out = capture();
    const err = capture();
    const exited = main(['worker', '--nats', nats.url, '--name', 'cli-w', '--types', path.join(import.meta.dirname, 'fixtures', 'types.ts')], out.write, err.write, until);
    while (!out.text().includes('ready')) await new Promise((r) => setTimeout(r, 20));
    expect(out.text()).toMatch(/^nodeflow worker cli-w ready on nats:\/\/127\.0\.0\.1:\d+ \(\d+ node types\)\n$/);
    const cluster = natsCluster({ servers: nats.url });
    const r = await executeOnCluster(new WorkflowEngine(), {
      nodes: [{ id: 's', type: 'source.sequential', config: { count: 100 } }, { id: 'w', type: 'test.work', placement: 'cli-w' }, { id: 'c', type: 'sink.collector' }],
      edges: [{ source: 's', sourcePort: 'out', target: 'w', targetPort: 'in' }, { source: 'w', sourcePort: 'out', target: 'c', targetPort: 'in' }],
    }, { cluster });
    expect((await r.done).status).toBe('completed');
    expect(r.local.collected('c')).toHaveLength(100);
    stop();
    expect(await exited).toBe(0);
    expect(out.text()).toContain('nodeflow worker cli-w stopped\n');
    expect(err.text()).toBe('');
  }, 30_000);
});
