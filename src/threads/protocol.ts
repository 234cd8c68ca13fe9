import { transferList, type EncodedValues } from './codec.js';

/**
 * What a worker runs for a node, as it crosses to the worker (functions cannot be cloned): a
 * module the worker imports and one of its exports, or a self-contained function's source text.
 *
 * @internal
 */
export type LoadSpec = { readonly kind: 'module'; readonly module: string; readonly export: string } | { readonly kind: 'source'; readonly source: string };

/**
 * The messages the main thread posts to a worker. A worker serves several nodes of its pool:
 * each `run` names the function (`fn`, from an earlier `load`).
 *
 * @internal
 */
export type ToWorker = { readonly t: 'load'; readonly fn: number; readonly spec: LoadSpec } | { readonly t: 'unload'; readonly fn: number } | { readonly t: 'run'; readonly fn: number; readonly job: number; readonly port: string; readonly data: EncodedValues };

/**
 * A run's outputs: per output port, the values to emit there (encoded like the input).
 *
 * @internal
 */
export interface EncodedOutputs {
  readonly ports: readonly string[];
  readonly values: readonly EncodedValues[];
}

/**
 * What a worker posts back: one `done` or `failed` per `run`, with its job id.
 *
 * @internal
 */
export type FromWorker =
  | { readonly t: 'done'; readonly job: number; readonly out: EncodedOutputs }
  | { readonly t: 'failed'; readonly job: number; readonly error: { readonly name: string; readonly message: string; readonly code?: string } };

/**
 * The buffers of an encoded output, to transfer with it.
 *
 * @internal
 */
export function outputBuffers(out: EncodedOutputs): ArrayBuffer[] {
  const all: ArrayBuffer[] = [];
  for (const v of out.values) for (const b of transferList(v)) all.push(b);
  return all;
}
