import { until as waitUntil } from '../../support/until.js';
import { WorkflowEngine, type WorkflowRun } from '../../../src/index.js';
import { registerIoNodeTypes } from '../../../src/io/index.js';

/** A real-clock workflow engine with the I/O types and a `test.sink` whose speed a test sets. */
export function ioWorkflow() {
  const wf = new WorkflowEngine();
  registerIoNodeTypes(wf);
  const got: unknown[] = [];
  const errors: unknown[] = [];
  const sink = { delayMs: 0 };
  wf.registerNodeType({
    type: 'test.sink',
    kind: 'sink',
    inputs: { in: {} },
    create: () => ({
      process: (b) => {
        for (const m of b.messages) got.push(m.data);
        return sink.delayMs > 0 ? new Promise<void>((r) => setTimeout(r, sink.delayMs)) : undefined;
      },
    }),
  });
  wf.registerNodeType({ type: 'test.errors', kind: 'sink', inputs: { in: {} }, create: () => ({ onMessage: (m) => void errors.push(m.data) }) });
  return { wf, got, errors, sink };
}

/** The io counters of node `id`. */
export const counters = (run: WorkflowRun, id: string): Record<string, number> => run.status().nodes[id]?.io?.counters ?? {};

/** Waits until `cond()` holds (polling every 10 ms), or throws after `ms` with `what`. */
/** `until` with this folder's default of 5 s. */
export const until = (check: () => unknown, what: string | (() => string), ms = 5000): Promise<void> => waitUntil(check, what, ms);

/** An edge from `source` to `target` with the given connection config. */
export const edge = (source: string, target: string, config: Record<string, unknown> = {}, sourcePort = 'out') => ({ source, sourcePort, target, targetPort: 'in', config });
