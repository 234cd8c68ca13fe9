import { NodeflowError } from '../../errors.js';

// A token that is safe as a NATS subject token, inside a stream name and as a durable name:
// those forbid '.', '*', '>', whitespace and path separators; 64 keeps every name well under
// the server's 255-character limits once prefixed.
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
// `nodeflow.<run>.>` must not capture the dead-letter or hint subjects of another run.
const RESERVED_RUNS = new Set(['dl', 'hint']);

/**
 * The JetStream names of one run and its edges. Every name is derived here, in one place, so the
 * producer end, the consumer end and the run set-up can never disagree on a subject.
 *
 * @example
 * ```ts
 * const n = runNames('r42');
 * n.stream; // 'nodeflow_r42'
 * n.subject('a-b'); // 'nodeflow.r42.a-b'
 * ```
 */
export interface RunNames {
  readonly run: string;
  /** The WorkQueue stream holding every edge's frames. */
  readonly stream: string;
  /** The Limits stream holding dead letters. */
  readonly deadLetterStream: string;
  subject(edge: string): string;
  deadLetterSubject(edge: string): string;
  /** Core NATS (not stored): the consumer end's `settled` hints for the producer end. */
  hintSubject(edge: string): string;
  /** The durable pull consumer of an edge. */
  durable(edge: string): string;
}

/**
 * Validates a run name and returns its JetStream names. Throws a NodeflowError
 * (`INVALID_ARGUMENT`) for a name that is not a plain token.
 *
 * @example
 * ```ts
 * runNames('run-1').deadLetterSubject('e1'); // 'nodeflow.dl.run-1.e1'
 * ```
 */
export function runNames(run: string): RunNames {
  checkToken('run', run);
  if (RESERVED_RUNS.has(run)) throw new NodeflowError('INVALID_ARGUMENT', `run name '${run}' is reserved (it would capture nodeflow.${run}.> subjects)`, { field: 'run', value: run });
  return {
    run,
    stream: `nodeflow_${run}`,
    deadLetterStream: `nodeflow_dl_${run}`,
    subject: (edge) => `nodeflow.${run}.${checkToken('edge', edge)}`,
    deadLetterSubject: (edge) => `nodeflow.dl.${run}.${checkToken('edge', edge)}`,
    hintSubject: (edge) => `nodeflow.hint.${run}.${checkToken('edge', edge)}`,
    durable: (edge) => checkToken('edge', edge),
  };
}

/**
 * Throws a NodeflowError (`INVALID_ARGUMENT`) unless `value` is 1-64 characters of
 * `[A-Za-z0-9_-]`; returns it.
 *
 * @example
 * ```ts
 * checkToken('edge', 'a.b'); // throws: '.' separates subject tokens
 * ```
 */
export function checkToken(field: string, value: unknown): string {
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw new NodeflowError('INVALID_ARGUMENT', `${field} must be 1-64 characters of A-Z a-z 0-9 _ - (a NATS subject token), got ${JSON.stringify(value)}`, { field, value });
  }
  return value;
}

/**
 * Throws a NodeflowError (`INVALID_ARGUMENT`) unless `value` is an integer in [min, max].
 *
 * @example
 * ```ts
 * checkInt('maxFrames', 4, 1, 1_000_000); // 4
 * ```
 */
export function checkInt(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new NodeflowError('INVALID_ARGUMENT', `${field} must be an integer in [${min}, ${max}], got ${String(value)}`, { field, value });
  }
  return value;
}
