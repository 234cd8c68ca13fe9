import { decodeValues, encodeValues } from './codec.js';
import { outputBuffers, type EncodedOutputs, type FromWorker, type JobAnswer, type LoadSpec, type RunJob, type ToWorker } from './protocol.js';

/**
 * A function that runs a node's work on a worker: it gets one batch's data values (and the input
 * port they came in on) and returns the values to emit: an array (emitted on port `out`) or one
 * array per output port. It may be async. It throws (or rejects) to fail the batch: the batch is
 * then retried and dead-lettered exactly like a failed in-thread delivery.
 *
 * @example
 * ```ts
 * export const double: ThreadFn = (values) => values.map((v) => (v as number) * 2);
 * ```
 */
export type ThreadFn = (values: unknown[], info: { readonly port: string }) => ThreadResult | PromiseLike<ThreadResult>;

/**
 * What a {@link ThreadFn} returns: the values for port `out`, or the values per output port.
 *
 * @example
 * ```ts
 * const r: ThreadResult = { out: [1, 2], errors: ['bad input'] };
 * ```
 */
export type ThreadResult = readonly unknown[] | { readonly [port: string]: readonly unknown[] };

/**
 * The worker's side of its message port, whatever the platform: a Node `parentPort` or a Web
 * Worker's `self` is adapted to this in one small file each (`worker-node.ts`; a future
 * `worker-web.ts`), so this file imports nothing platform-specific.
 *
 * @example
 * ```ts
 * serveWorker({ post: (m, t) => parentPort!.postMessage(m, t), listen: (fn) => parentPort!.on('message', fn), load: (s) => import(s) });
 * ```
 * @internal
 */
export interface WorkerSide {
  post(message: FromWorker, transfer: ArrayBuffer[]): void;
  listen(handler: (message: ToWorker) => void): void;
  /** Imports a module by specifier (a `file:` URL, a package name, a `data:` URL). */
  load(specifier: string): Promise<Record<string, unknown>>;
}

/**
 * Serves `run` requests on a worker: loads each function once, runs each batch, and posts each
 * job's answer as soon as it finished (jobs run one after another, in arrival order: the worker's
 * queue is the port's, bounded by the main side's per-worker cap; a finished job never waits for
 * a slow one behind it). A result that cannot be cloned back answers its job with a typed error.
 *
 * @example
 * ```ts
 * serveWorker(side); // in the worker's entry file
 * ```
 * @internal
 */
export function serveWorker(side: WorkerSide): void {
  const fns = new Map<number, Promise<ThreadFn>>();
  let chain: Promise<unknown> = Promise.resolve();
  side.listen((m) => {
    if (m.t === 'unload') {
      // After the runs already queued for it (they were sent first).
      chain = chain.then(() => fns.delete(m.fn));
      return;
    }
    if (m.t === 'load') {
      const loaded = resolveFn(side, m.spec);
      loaded.catch(() => {}); // reported by each run that uses it
      fns.set(m.fn, loaded);
      return;
    }
    // In arrival order, one at a time (a worker is one core's worth of work).
    for (const j of m.jobs) chain = chain.then(() => run(fns.get(j.fn), j)).then((a) => answer(side, a.answer, a.transfer));
  });
}

function answer(side: WorkerSide, a: JobAnswer, transfer: ArrayBuffer[]): void {
  try {
    side.post({ answers: [a] }, transfer);
  } catch (error) {
    // A result structured clone cannot copy (a function, a symbol...): this job fails, typed, and
    // the worker goes on (an escaped error would kill it, or in a browser leave the job unanswered).
    const why = error instanceof Error ? error.message : String(error);
    side.post({ answers: [{ t: 'failed', job: a.job, error: { name: 'NodeflowError', code: 'INVALID_MESSAGE', message: `a thread function's result could not be sent back from the worker: a value cannot be structured-cloned (${why})` } }] }, []);
  }
}

async function run(fn: Promise<ThreadFn> | undefined, j: RunJob): Promise<{ answer: JobAnswer; transfer: ArrayBuffer[] }> {
  const transfer: ArrayBuffer[] = [];
  try {
    if (fn === undefined) throw new Error(`no function loaded for job ${j.job}`);
    const result = await (await fn)(decodeValues(j.data), { port: j.port });
    const out = encodeResult(result);
    outputBuffers(out, transfer);
    return { answer: { t: 'done', job: j.job, out }, transfer };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const code = (e as { code?: unknown }).code;
    return { answer: { t: 'failed', job: j.job, error: { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) } }, transfer: [] };
  }
}

function encodeResult(result: ThreadResult): EncodedOutputs {
  if (Array.isArray(result)) return { ports: ['out'], values: [encodeValues(result)] };
  if (typeof result !== 'object' || result === null) throw typed('INVALID_ARGUMENT', `a thread function must return an array or { port: values[] }, got ${typeof result}`);
  const ports = Object.keys(result);
  const values = ports.map((p) => {
    const v = (result as Record<string, unknown>)[p];
    if (!Array.isArray(v)) throw typed('INVALID_ARGUMENT', `a thread function returned a non-array for port ${p}`);
    return encodeValues(v);
  });
  return { ports, values };
}

async function resolveFn(side: WorkerSide, spec: LoadSpec): Promise<ThreadFn> {
  if (spec.kind === 'source') {
    // Rebuilt from its text with only globals in scope (docs/threads.md, "Functions").
    const fn = new Function(`"use strict"; return (${spec.source});`)() as unknown;
    if (typeof fn !== 'function') throw new TypeError('the function source did not evaluate to a function');
    return fn as ThreadFn;
  }
  let mod: Record<string, unknown>;
  try {
    mod = await side.load(spec.module);
  } catch (error) {
    // Not found (Node's code; a browser's failed fetch): typed. What the module itself threw as
    // it loaded is the user's error, and goes as it is.
    const e = error as { code?: unknown; name?: unknown; message?: unknown };
    const missing = e?.code === 'ERR_MODULE_NOT_FOUND' || (e?.name === 'TypeError' && /dynamically imported module|module script failed/i.test(String(e.message)));
    if (missing) throw typed('MISSING_DEPENDENCY', `the worker could not import ${spec.module}: ${String(e.message)}`);
    throw error;
  }
  const fn = mod[spec.export];
  if (typeof fn !== 'function') throw typed('MISSING_DEPENDENCY', `module ${spec.module} has no function export ${spec.export}`);
  return fn as ThreadFn;
}

/** An error the main thread rebuilds as a NodeflowError with `code` (pool.ts, remoteError). */
function typed(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'NodeflowError', code });
}
