import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { logErrors } from './log-errors.js';
import { parseSegmentName } from './segment.js';
import { nodeLogFs } from './fs-layer.js';

/**
 * The manifest's file name: its presence is what makes a folder a log.
 *
 * @example
 * ```ts
 * fs.existsSync(path.join(dir, MANIFEST));
 * ```
 */
export const MANIFEST = 'nodeflow-log.json';
/**
 * The format this code writes and the newest it reads. 5 added the body kind of columns with
 * object data (a column per key) and string ids as one text (ID_TEXT), 4 string ids, priorities and keys in the columns (shape bits
 * an older reader would misread), 3 the body kind of columns with JSON data; 2 (numeric
 * columns, else JSON) to 4 are read as they are, and marked 5 before the first write into them,
 * since the frames appended then may use what they lack.
 *
 * @example
 * ```ts
 * if (found > FORMAT_VERSION) throw logErrors.version(dir, found, FORMAT_VERSION);
 * ```
 */
export const FORMAT_VERSION = 5;
/** The oldest format this code reads: 1 held JSON bodies only, in a frame layout since changed. */
const OLDEST_READ = 2;
const FORMAT = 'nodeflow-file-log';

/**
 * Makes `dir` a log or checks that it is one, and lists its segments' base seqs in order. A
 * missing or empty folder becomes a log (the manifest written to a temporary name, synced, then
 * renamed, so a crash leaves either no manifest or a whole one). A folder with other files and
 * no manifest is `NOT_A_LOG`; a manifest of a newer version, or of version 1, is `LOG_VERSION`.
 * Nothing is rewritten here: a version 2 or 3 log stays so until something is written into it
 * (`upgradeManifest`), so a log only opened to be read stays readable by the code before.
 *
 * @example
 * ```ts
 * const { bases, version } = await prepareFolder('/data/rec'); // [1, 40001, ...], 4
 * ```
 */
export async function prepareFolder(dir: string): Promise<{ bases: number[]; version: number }> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw logErrors.notALog(dir, `it cannot be a folder (${(e as { code?: string }).code ?? String(e)})`);
  }
  const names = await fs.readdir(dir);
  let version = FORMAT_VERSION;
  if (names.includes(MANIFEST)) version = await checkManifest(dir);
  else {
    const others = names.filter((n) => n !== MANIFEST + '.tmp');
    if (others.length > 0) throw logErrors.notALog(dir, `it holds ${others.length} file(s) (${others.slice(0, 3).join(', ')}) and no ${MANIFEST}`);
    await writeManifest(dir);
  }
  const bases = names
    .map(parseSegmentName)
    .filter((b): b is number => b !== undefined)
    .sort((a, b) => a - b);
  return { bases, version };
}

/**
 * Marks the log in `dir` as this format (`FORMAT_VERSION`), the same way a new manifest is
 * written: the writer does it before its first write into a log of an older version it reads.
 *
 * @example
 * ```ts
 * if (version < FORMAT_VERSION) await upgradeManifest(dir);
 * ```
 */
export const upgradeManifest = (dir: string): Promise<void> => writeManifest(dir);

/** The version of the manifest in `dir`, if this code reads it. */
async function checkManifest(dir: string): Promise<number> {
  let m: { format?: unknown; version?: unknown };
  try {
    m = JSON.parse(await fs.readFile(path.join(dir, MANIFEST), 'utf8')) as typeof m;
  } catch {
    throw logErrors.notALog(dir, `${MANIFEST} is not readable JSON`);
  }
  if (m === null || typeof m !== 'object' || m.format !== FORMAT) throw logErrors.notALog(dir, `${MANIFEST} does not name the format ${FORMAT}`);
  if (!Number.isSafeInteger(m.version) || (m.version as number) < 1) throw logErrors.notALog(dir, `${MANIFEST} has no valid version`);
  const version = m.version as number;
  if (version > FORMAT_VERSION || version < OLDEST_READ) throw logErrors.version(dir, version, FORMAT_VERSION);
  return version;
}

async function writeManifest(dir: string): Promise<void> {
  const tmp = path.join(dir, MANIFEST + '.tmp');
  const body = JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, segments: 'NNNNNNNNNNNNNNNNNNNN.seg, named by first seq' }, null, 2) + '\n';
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(body);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, path.join(dir, MANIFEST));
  await nodeLogFs.syncDir(dir);
}
