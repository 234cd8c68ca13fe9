import { errorMessage, NodeflowError } from '../errors.js';
import type { WorkflowRun } from '../actors/workflow/run.js';
import type { WorkflowEngine } from '../actors/workflow/workflow-engine.js';
import { isWorkerName } from '../actors/workflow/validate.js';
import { ClusterError, type Cluster, type ClusterLink } from './cluster.js';
import { EVENTS_PER_TICK, PartEvents } from './part-events.js';
import { ORPHAN_AFTER_MS, SAMPLE_MS, START_QUEUE, decode, encode, subjects, type Sample, type StartReply, type StartRequest } from './protocol.js';
import { partEnds, takeSample, type PartEnd } from './sample.js';
import { standIns, type RunCarriers } from './stand-ins.js';
import { stopPart } from './stop-part.js';
import type { ConsumerCarrier } from '../transport/carrier.js';

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
  /**
   * Stops every part it runs (each as `run.stop()` does) and leaves the cluster: each part's last
   * sample says `left`, so its coordinator offers the part to a replacement (not finished).
   */
  stop(): Promise<void>;
}

interface Part {
  readonly run: WorkflowRun;
  readonly definition: StartRequest['definition'];
  readonly ends: readonly PartEnd[];
  readonly unsubscribe: Array<() => void>;
  readonly events: PartEvents;
  timer: ReturnType<typeof setInterval> | undefined;
  seq: number;
  last: Sample | undefined;
  /** When the coordinator's heartbeat (`subjects.listen`) was last heard. */
  heard: number;
  /** Why the part ends early: the worker leaves, the coordinator fenced this incarnation, or it fell silent. */
  ending: 'left' | 'fenced' | 'orphaned' | undefined;
  settled: Promise<void>;
  /** The part's consumer ends: a fence closes them at once, before anything else runs. */
  readonly consumers: readonly ConsumerCarrier[];
}

/** `carriers` whose consumer ends are also put in `into`. */
function keepingConsumers(carriers: RunCarriers, into: ConsumerCarrier[]): RunCarriers {
  return (key, maxFrames) => {
    const c = carriers(key, maxFrames);
    return { producer: () => c.producer(), consumer: () => {
      const end = c.consumer();
      into.push(end);
      return end;
    } };
  };
}

/**
 * Options of {@link startWorker}.
 *
 * @example
 * ```ts
 * const o: StartWorkerOptions = { cluster: natsCluster({ servers: url }), name: 'w1', workflowEngine: new WorkflowEngine(), eventsPerTick: 500 };
 * ```
 */
export interface StartWorkerOptions {
  readonly cluster: Cluster;
  readonly name: string;
  readonly workflowEngine: WorkflowEngine;
  /** Debug events forwarded per part and 250 ms tick while the coordinator listens (default 1000); the rest are counted as `eventsDropped`. */
  readonly eventsPerTick?: number;
  /** A part whose coordinator's heartbeat is not heard this long is stopped hard as orphaned (default 30 000 ms). */
  readonly orphanAfterMs?: number;
  /** How long a starting worker waits for another live worker of its name to answer (default 1000 ms; "no responders" answers at once). */
  readonly pingTimeoutMs?: number;
}

// Another live process answering to `name` makes this one refuse to start: two would split each
// part's durable consumers between them. A hung one (SIGSTOP) cannot answer: the coordinator
// fences it if it comes back (docs/cluster.md, "Incarnations").
async function nameFree(link: ClusterLink, name: string, timeoutMs: number): Promise<void> {
  let other: { incarnation?: string };
  try {
    other = decode(await link.request(subjects.ping(name), encode({}), timeoutMs));
  } catch {
    return;
  }
  await link.close();
  throw new ClusterError('NAME_IN_USE', `another worker named ${name} is running on this NATS (process incarnation ${other.incarnation ?? '?'}): stop it first, or pick another --name`, name);
}

/**
 * Makes this process a worker named `name`: it answers `nodeflow.worker.<name>.start` with its
 * part of a run (validated against `workflowEngine`'s node types; a refusal says why), runs the
 * part there, publishes a status sample every 250 ms while it runs (and when polled), forwards
 * the part's debug events while the coordinator listens (`ClusterRun.events$`), ends an inlet
 * when its stream ended in another process, and stops a part on request.
 *
 * @example
 * ```ts
 * const wf = new WorkflowEngine();
 * const worker = await startWorker({ cluster: natsCluster({ servers: process.env.NATS_URL! }), name: 'w1', workflowEngine: wf });
 * ```
 */
export async function startWorker(options: StartWorkerOptions): Promise<ClusterWorker> {
  const { name, workflowEngine: wf } = options;
  const cap = options.eventsPerTick ?? EVENTS_PER_TICK;
  if (!isWorkerName(name)) throw new NodeflowError('INVALID_ARGUMENT', `a worker name is a NATS subject token (no whitespace, '.', '*' or '>'), got ${JSON.stringify(name)}`, { name });
  if (name === 'local') throw new NodeflowError('INVALID_ARGUMENT', "'local' names the coordinator in a run's metrics and events: pick another worker name", { name });
  if (!Number.isInteger(cap) || cap < 0) throw new NodeflowError('INVALID_ARGUMENT', `eventsPerTick must be an integer >= 0, got ${JSON.stringify(cap)}`, { eventsPerTick: cap });
  const orphanAfterMs = options.orphanAfterMs ?? ORPHAN_AFTER_MS;
  if (!Number.isInteger(orphanAfterMs) || orphanAfterMs <= 0) throw new NodeflowError('INVALID_ARGUMENT', `orphanAfterMs must be an integer > 0, got ${JSON.stringify(orphanAfterMs)}`, { field: 'orphanAfterMs' });
  const stand = standIns(wf);
  const link = await options.cluster.connect();
  await nameFree(link, name, options.pingTimeoutMs ?? 1000);
  const incarnation = `${process.pid}-${Date.now().toString(36)}`;
  const parts = new Map<string, Part>();
  const finished = new Map<string, Sample>();
  const sample = (runId: string, p: Part): Sample => (p.last = takeSample(p.run, { run: runId, worker: name, seq: ++p.seq, incarnation }, p.ends, stand));
  const publish = (runId: string, p: Part, left = false) => link.publish(subjects.status(runId, name), encode(left ? { ...sample(runId, p), left } : sample(runId, p)));
  // Ends a part early and hard: what its inlets hold goes back to JetStream (naked), so whoever
  // takes the part next gets it at once.
  const cut = (p: Part, why: NonNullable<Part['ending']>) => {
    if (p.ending !== undefined) return;
    p.ending = why;
    clearInterval(p.timer);
    // A fenced process must settle nothing more: frames it read in the same turn as the fence
    // belong to the replacement. A consumer end that closes forgets what it holds at once (its
    // settles then do nothing) and hands it back; the stop below would come a turn too late.
    if (why === 'fenced') for (const c of p.consumers) void c.close();
    void p.run.stop({ timeout: 0 });
  };

  const start = async (req: StartRequest): Promise<StartReply> => {
    if (parts.has(req.run)) return { ok: true, already: true, incarnation };
    const ends = partEnds(req.definition);
    const consumers: ConsumerCarrier[] = [];
    const def = stand.bind(req.run, keepingConsumers(link.carriers(req.run), consumers), req.definition);
    const problems = wf.validate(def);
    if (problems.length > 0) {
      stand.unbind(req.run);
      return { ok: false, reason: 'PART_REFUSED', message: `worker ${name} cannot run its part: ${problems.map((p) => p.message).join('; ')}`, problems };
    }
    // Attached before the part starts when the coordinator already listens: its first events too.
    const events = new PartEvents(wf.getStreamEngine(), def.nodes.map((n) => n.id), cap, { run: req.run, worker: name, incarnation }, (s, d) => link.publish(s, d));
    if (req.listen === true) events.listen(true);
    let run: WorkflowRun;
    try {
      run = await wf.executeWorkflow(def);
    } catch (error) {
      events.close();
      stand.unbind(req.run);
      return { ok: false, reason: 'PART_REFUSED', message: `worker ${name}: ${errorMessage(error)}` };
    }
    const p: Part = { run, definition: req.definition, ends, unsubscribe: [], events, timer: undefined, seq: 0, last: undefined, heard: Date.now(), ending: undefined, settled: Promise.resolve(), consumers };
    parts.set(req.run, p);
    p.unsubscribe.push(
      link.subscribe(subjects.poll(req.run), () => p.ending === undefined && publish(req.run, p)),
      link.subscribe(subjects.end(req.run), (data) => {
        for (const key of decode<string[]>(data)) stand.end(req.run, key);
      }),
      link.subscribe(subjects.listen(req.run), (data) => ((p.heard = Date.now()), events.listen(decode<{ on: boolean }>(data).on))),
    );
    p.timer = setInterval(() => {
      if (Date.now() - p.heard > orphanAfterMs) return cut(p, 'orphaned');
      events.tick();
      publish(req.run, p);
    }, SAMPLE_MS);
    p.settled = run.done.then(() => settle(req.run, p));
    return { ok: true, already: false, incarnation };
  };

  // The part ended: one last sample (flagged `left` when it did not finish but was left; none
  // at all when fenced: another incarnation holds the part), kept for late polls; its
  // subscriptions, timer and widgets go (release: the next run may reuse its node ids).
  const settle = (runId: string, p: Part) => {
    clearInterval(p.timer);
    for (const u of p.unsubscribe) u();
    p.events.close(p.ending !== 'fenced');
    if (p.ending === 'fenced') sample(runId, p);
    else publish(runId, p, p.ending !== undefined);
    parts.delete(runId);
    stand.unbind(runId);
    p.run.release();
    finished.set(runId, p.last!);
    if (finished.size > KEEP_FINISHED) finished.delete(finished.keys().next().value!);
  };

  const subs = [
    link.subscribe(subjects.start(name), (data, reply) => {
      void start(decode<StartRequest>(data))
        .catch((error: unknown): StartReply => ({ ok: false, reason: 'PART_REFUSED', message: errorMessage(error) }))
        .then((r) => reply?.(encode(r)));
    }, { queue: START_QUEUE }),
    link.subscribe(subjects.stop(name), (data, reply) => {
      const { run: runId, timeout, incarnation: to } = decode<{ run: string; timeout?: number; incarnation?: string }>(data);
      if (to !== undefined && to !== incarnation) return; // meant for the process that holds the part now
      const p = parts.get(runId);
      void (p ? stopPart(p.run, p.definition, timeout ?? 5000).then(() => p.settled) : Promise.resolve()).then(() => reply?.(encode(finished.get(runId) ?? null)));
    }),
    link.subscribe(subjects.fence(name), (data) => {
      const { run: runId, incarnation: stale } = decode<{ run: string; incarnation: string }>(data);
      const p = parts.get(runId);
      if (p && stale === incarnation) cut(p, 'fenced');
    }),
    link.subscribe(subjects.ping(name), (_data, reply) => reply?.(encode({ incarnation }))),
  ];
  return {
    name,
    runs: () => [...parts.keys()],
    async stop() {
      for (const u of subs) u();
      // Leaving is not finishing: each part's last sample says `left`, so the coordinator
      // offers it to a replacement instead of counting it done.
      // Hard: an inlet does not end with its process's sources, so a drain only waited out the
      // timeout; every frame not settled goes back to JetStream (an outlet's frames are there
      // already, a relay settles its input only once its outputs are stored), nothing is lost.
      await Promise.all([...parts.values()].map((p) => (cut(p, 'left'), p.settled)));
      await link.close();
    },
  };
}
