import { transferList, type EncodedValues } from './codec.js';

/**
 * What a worker runs for a node, as it crosses to the worker (functions cannot be cloned): a
 * module the worker imports and one of its exports, or a self-contained function's source text.
 *
 * @example
 * ```ts
 * const spec: LoadSpec = { kind: 'module', module: 'file:///app/heavy.js', export: 'score' };
 * ```
 * @internal
 */
export type LoadSpec = { readonly kind: 'module'; readonly module: string; readonly export: string } | { readonly kind: 'source'; readonly source: string };

/**
 * One batch to run: the function (`fn`, from an earlier `load`), a job id for the answer, the
 * input port and the encoded values.
 *
 * @example
 * ```ts
 * const job: RunJob = { fn: 1, job: 7, port: 'in', data: encodeData(batch.messages) };
 * ```
 * @internal
 */
export interface RunJob {
  readonly fn: number;
  readonly job: number;
  readonly port: string;
  readonly data: EncodedValues;
}

/**
 * The messages the main thread posts to a worker. A worker serves several nodes of its pool.
 * `run` carries every batch the main thread sent that worker in one turn of its event loop (one
 * message, not one per batch: a post costs more than a small batch's encoding).
 *
 * @example
 * ```ts
 * link.post({ t: 'run', jobs: [job] }, transferList(job.data));
 * ```
 * @internal
 */
export type ToWorker = { readonly t: 'load'; readonly fn: number; readonly spec: LoadSpec } | { readonly t: 'unload'; readonly fn: number } | { readonly t: 'run'; readonly jobs: readonly RunJob[] };

/**
 * A run's outputs: per output port, the values to emit there (encoded like the input).
 *
 * @example
 * ```ts
 * const out: EncodedOutputs = { ports: ['out'], values: [encodeValues([1, 2])] };
 * ```
 * @internal
 */
export interface EncodedOutputs {
  readonly ports: readonly string[];
  readonly values: readonly EncodedValues[];
}

/**
 * How one job ended on the worker.
 *
 * @example
 * ```ts
 * const a: JobAnswer = { t: 'failed', job: 7, error: { name: 'Error', message: 'bad input' } };
 * ```
 * @internal
 */
export type JobAnswer =
  | { readonly t: 'done'; readonly job: number; readonly out: EncodedOutputs }
  | { readonly t: 'failed'; readonly job: number; readonly error: { readonly name: string; readonly message: string; readonly code?: string } };

/**
 * What a worker posts back: the answer to one job, posted as soon as that job finished (an
 * array, so a future worker may batch answers; the pool reads every one).
 *
 * @example
 * ```ts
 * side.post({ answers: [{ t: 'done', job: 7, out }] }, transfer);
 * ```
 * @internal
 */
export interface FromWorker {
  readonly answers: readonly JobAnswer[];
}

/**
 * The buffers of an encoded output, to transfer with it.
 *
 * @example
 * ```ts
 * outputBuffers(out, transfer); // then post with `transfer`
 * ```
 * @internal
 */
export function outputBuffers(out: EncodedOutputs, into: ArrayBuffer[]): void {
  for (const v of out.values) for (const b of transferList(v)) into.push(b);
}
