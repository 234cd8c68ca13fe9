import type { DiscardPolicy, JetStreamManager, RetentionPolicy, StorageType, StreamConfig } from '@nats-io/jetstream';
import { NodeflowError } from '../../errors.js';
import type { ResolvedJetStreamOptions } from './options.js';

/**
 * The stream's description marks it as a record log, with the format version. @internal
 *
 * @example
 * ```ts
 * `${FORMAT} v${VERSION}`; // 'nodeflow-record-log v1'
 * ```
 */
export const FORMAT = 'nodeflow-record-log';
/**
 * The format version this code writes and reads up to. @internal
 *
 * @example
 * ```ts
 * if (found > VERSION) throw tooNew();
 * ```
 */
// 5: columns with object data (a column per key), string ids as one text (ID_TEXT); 4: the columns gained string ids, priorities
// and keys (shape bits an older reader would misread); 3: columns with JSON data. 2 (numeric
// columns, else JSON) to 4 are read as they are and marked 5 when opened, since what is
// published then may use what they lack; 1 held JSON only.
export const VERSION = 5;
const OLDEST_READ = 2;
// The description an existing stream must carry (checkMark parses it).
const MARK = `${FORMAT} v${VERSION}`;

/**
 * Finds or creates the log's stream: Limits retention, discard old, one subject, file storage,
 * marked in its description. An existing stream must carry the mark (`NOT_A_LOG` otherwise, and
 * `LOG_VERSION` for a newer format or version 1) and hold only the log's subject; its limits are
 * updated to the retention given (a limit not given is left as the stream has it). A version 2,
 * 3 or 4 mark is left as it is: `markStream` moves it to this version before the first batch is
 * published (what it stores may use what the older format lacks), so a stream only opened to be
 * read stays readable by the code that wrote it. Resolves with the stream's format version.
 * @internal
 *
 * @example
 * ```ts
 * const version = await ensureStream(jsm, resolved);
 * if (version < VERSION) await markStream(jsm, resolved.stream);
 * ```
 */
export async function ensureStream(jsm: JetStreamManager, o: ResolvedJetStreamOptions): Promise<number> {
  const r = o.retention;
  const limits: Partial<StreamConfig> = {};
  if (r.maxAgeMs !== undefined) limits.max_age = r.maxAgeMs * 1e6;
  if (r.maxBatches !== undefined) limits.max_msgs = r.maxBatches;
  if (r.maxBytes !== undefined) limits.max_bytes = r.maxBytes;
  const existing = await jsm.streams.info(o.stream).catch((e: unknown) => {
    if ((e as { code?: unknown }).code === 10059 || /stream not found/i.test(String((e as Error).message))) return undefined;
    throw e;
  });
  if (!existing) {
    await jsm.streams.add({
      name: o.stream,
      subjects: [o.subject],
      description: MARK,
      // Limits + discard old: the stream is a window of history; when full, the oldest batch goes,
      // never the one being recorded (discard new would refuse the newest and lose the present).
      retention: 'limits' as RetentionPolicy,
      discard: 'old' as DiscardPolicy,
      storage: 'file' as StorageType,
      num_replicas: o.replicas,
      ...limits,
    });
    return VERSION;
  }
  const found = checkMark(o.stream, existing.config.description);
  const c = existing.config;
  if (c.subjects.length !== 1 || c.subjects[0] !== o.subject) {
    throw new NodeflowError('NOT_A_LOG', `stream ${o.stream} holds ${JSON.stringify(c.subjects)}, not the log's one subject ${o.subject}`, { stream: o.stream, subjects: c.subjects });
  }
  if (c.retention !== 'limits' || c.discard !== 'old') {
    throw new NodeflowError('NOT_A_LOG', `stream ${o.stream} has ${c.retention} retention, discard ${c.discard}: a record log needs limits, discard old`, { stream: o.stream });
  }
  if (Object.entries(limits).some(([k, v]) => (c as unknown as Record<string, unknown>)[k] !== v)) await jsm.streams.update(o.stream, { ...c, ...limits });
  return found;
}

/**
 * Marks the stream as this format version (its description), keeping the rest of its config:
 * done before the first publish into a stream of an older version. @internal
 *
 * @example
 * ```ts
 * await markStream(jsm, 'sensor');
 * ```
 */
export async function markStream(jsm: JetStreamManager, stream: string): Promise<void> {
  const info = await jsm.streams.info(stream);
  const found = checkMark(stream, info.config.description);
  if (found < VERSION) await jsm.streams.update(stream, { ...info.config, description: MARK });
}

/** The format version the stream's mark names, if this code reads it. */
function checkMark(stream: string, description: string | undefined): number {
  const m = /^nodeflow-record-log v(\d+)$/.exec(description ?? '');
  if (!m) throw new NodeflowError('NOT_A_LOG', `stream ${stream} exists and is not a nodeflow record log (its description is ${JSON.stringify(description ?? '')})`, { stream });
  const found = Number(m[1]);
  if (found > VERSION) {
    throw new NodeflowError('LOG_VERSION', `stream ${stream} was written by a newer record log format (version ${found}); this nodeflow reads up to version ${VERSION}`, { stream, found, supported: VERSION });
  }
  if (found < OLDEST_READ) {
    throw new NodeflowError('LOG_VERSION', `stream ${stream} was written by record log format version ${found} (JSON bodies, before 2026-12-02); this nodeflow reads versions ${OLDEST_READ} to ${VERSION}: record it again`, { stream, found, supported: VERSION });
  }
  return found;
}
