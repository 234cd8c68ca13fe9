import { errorMessage, NodeflowError } from '../errors.js';
import type { WorkflowRun } from '../actors/workflow/run.js';
import type { WorkflowEngine } from '../actors/workflow/workflow-engine.js';
import { isWorkerName } from '../actors/workflow/validate.js';
import type { Cluster } from './cluster.js';
import { SAMPLE_MS, decode, encode, subjects, type Sample, type StartReply, type StartRequest } from './protocol.js';
import { partEnds, takeSample, type PartEnd } from './sample.js';
import { standIns } from './stand-ins.js';
import { stopPart } from './stop-part.js';

// Finished runs whose last sample a worker keeps for late polls.
const KEEP_FINISHED = 16;

/**
 * A worker process's handle: it runs the parts the coordinators send it until `stop()`.
 *
 * @example
 * ```ts
 * const worker = await startWorker({ cluster: natsCluster({ servers: url }), name: 'w1', workflowEngine: wf });
 * await worker.stop();
 * ```
 */
export interface ClusterWorker {
  readonly name: string;
  /** Runs whose parts it runs now. */
  runs(): string[];
  /** Stops every part it runs (each as `run.stop()` does), then leaves the cluster. */
  stop(): Promise<void>;
}

interface Part {
  readonly run: WorkflowRun;
  readonly definition: StartRequest['definition'];
  readonly ends: readonly PartEnd[];
  readonly unsubscribe: Array<() => void>;
  timer: ReturnType<typeof setInterval> | undefined;
  seq: number;
  last: Sample | undefined;
}

/**
 * Makes this process a worker named `name`: it answers `nodeflow.worker.<name>.start` with its
 * part of a run (validated against `workflowEngine`'s node types; a refusal says why), runs the
 * part there, publishes a status sample every 250 ms while it runs (and when polled), ends an
 * inlet when its stream ended in another process, and stops a part on request.
 *
 * @example
 * ```ts
 * const wf = new WorkflowEngine();
 * const worker = await startWorker({ cluster: natsCluster({ servers: process.env.NATS_URL! }), name: 'w1', workflowEngine: wf });
 * ```
 */
export async function startWorker(options: { cluster: Cluster; name: string; workflowEngine: WorkflowEngine }): Promise<ClusterWorker> {
  const { name, workflowEngine: wf } = options;
  if (!isWorkerName(name)) throw new NodeflowError('INVALID_ARGUMENT', `a worker name is a NATS subject token (no whitespace, '.', '*' or '>'), got ${JSON.stringify(name)}`, { name });
  const stand = standIns(wf);
  const link = await options.cluster.connect();
  const incarnation = `${process.pid}-${Date.now().toString(36)}`;
  const parts = new Map<string, Part>();
  const finished = new Map<string, Sample>();
  const sample = (runId: string, p: Part): Sample => (p.last = takeSample(p.run, { run: runId, worker: name, seq: ++p.seq, incarnation }, p.ends, stand));
  const publish = (runId: string, p: Part) => link.publish(subjects.status(runId, name), encode(sample(runId, p)));

  const start = async (req: StartRequest): Promise<StartReply> => {
    if (parts.has(req.run)) return { ok: true, already: true };
    const ends = partEnds(req.definition);
    const def = stand.bind(req.run, link.carriers(req.run), req.definition);
    const problems = wf.validate(def);
    if (problems.length > 0) {
      stand.unbind(req.run);
      return { ok: false, reason: 'PART_REFUSED', message: `worker ${name} cannot run its part: ${problems.map((p) => p.message).join('; ')}`, problems };
    }
    let run: WorkflowRun;
    try {
      run = await wf.executeWorkflow(def);
    } catch (error) {
      stand.unbind(req.run);
      return { ok: false, reason: 'PART_REFUSED', message: `worker ${name}: ${errorMessage(error)}` };
    }
    const p: Part = { run, definition: req.definition, ends, unsubscribe: [], timer: undefined, seq: 0, last: undefined };
    parts.set(req.run, p);
    p.unsubscribe.push(
      link.subscribe(subjects.poll(req.run), () => publish(req.run, p)),
      link.subscribe(subjects.end(req.run), (data) => {
        for (const key of decode<string[]>(data)) stand.end(req.run, key);
      }),
    );
    p.timer = setInterval(() => publish(req.run, p), SAMPLE_MS);
    void run.done.then(() => settle(req.run, p));
    return { ok: true, already: false };
  };

  // The part ended: one last sample, kept for late polls; its subscriptions and timer go.
  const settle = (runId: string, p: Part) => {
    clearInterval(p.timer);
    for (const u of p.unsubscribe) u();
    publish(runId, p);
    parts.delete(runId);
    stand.unbind(runId);
    finished.set(runId, p.last!);
    if (finished.size > KEEP_FINISHED) finished.delete(finished.keys().next().value!);
  };

  const subs = [
    link.subscribe(subjects.start(name), (data, reply) => {
      void start(decode<StartRequest>(data))
        .catch((error: unknown): StartReply => ({ ok: false, reason: 'PART_REFUSED', message: errorMessage(error) }))
        .then((r) => reply?.(encode(r)));
    }),
    link.subscribe(subjects.stop(name), (data, reply) => {
      const { run: runId, timeout } = decode<{ run: string; timeout?: number }>(data);
      const p = parts.get(runId);
      void (p ? stopPart(p.run, p.definition, timeout ?? 5000) : Promise.resolve()).then(() => reply?.(encode(finished.get(runId) ?? null)));
    }),
  ];
  return {
    name,
    runs: () => [...parts.keys()],
    async stop() {
      for (const u of subs) u();
      await Promise.all([...parts.values()].map((p) => p.run.stop()));
      await link.close();
    },
  };
}
