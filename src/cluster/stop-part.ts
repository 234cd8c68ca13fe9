import type { WorkflowDefinition } from '../actors/workflow/definition.js';
import type { WorkflowRun } from '../actors/workflow/run.js';
import { INLET_TYPE } from './split.js';

/**
 * Stops one process's part of a cluster run so that what is buffered anywhere still arrives: its
 * own sources end (an inlet is not one: it ends when its stream ends in the producer's process),
 * end-of-stream walks downstream, an outlet ends once the far end settled its last frame, and the
 * process holding that edge's inlet is told to end it. Every part does this at once, so a
 * process holding both ends of a path (source and sink here, a map elsewhere) drains too, which
 * no order of whole-process stops could do. What has not drained after `timeoutMs` is stopped
 * as `WorkflowRun.stop()` stops it (dropped(shutdown), counted).
 *
 * Stopping every part at once instead made each outlet wait for settlements from an inlet that
 * had already stopped, for the whole timeout, then count its frames in transit as dropped.
 *
 * @example
 * ```ts
 * await stopPart(run.local, split.parts[0]!.definition, 5000);
 * ```
 * @internal
 */
export async function stopPart(run: WorkflowRun, def: WorkflowDefinition, timeoutMs: number): Promise<void> {
  run.endSources(def.nodes.filter((n) => n.type !== INLET_TYPE).map((n) => n.id));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
  const late = await Promise.race([run.done.then(() => false), expired]);
  clearTimeout(timer);
  if (late) await run.stop({ timeout: 0 });
}
