import { NodeflowError } from '../errors.js';
import { ClusterError, type ClusterLink } from './cluster.js';
import { decode, encode, subjects, type StartReply, type StartRequest } from './protocol.js';
import type { WorkflowPart } from './split.js';

/**
 * Sends a worker its part and waits for it to accept; a refusal or silence is a ClusterError.
 *
 * @example
 * ```ts
 * const { incarnation } = await sendPart(link, 'r1', part, 5000);
 * ```
 * @internal
 */
export async function sendPart(link: ClusterLink, run: string, part: WorkflowPart, timeoutMs: number, listen = false): Promise<{ already: boolean; incarnation: string }> {
  const worker = part.worker!;
  const req: StartRequest = { run, worker, definition: part.definition, ...(listen ? { listen } : {}) };
  let reply: StartReply;
  try {
    reply = decode<StartReply>(await link.request(subjects.start(worker), encode(req), timeoutMs));
  } catch (error) {
    if (error instanceof NodeflowError) {
      const none = error.details?.noResponders === true;
      const what = none ? `no worker named ${worker} is subscribed on this NATS (no responders)` : `worker ${worker} did not take its part of run ${run} within ${timeoutMs} ms`;
      throw new ClusterError('WORKER_UNAVAILABLE', `${what}: is \`nodeflow worker --name ${worker}\` running on this NATS?`, worker, { noResponders: none });
    }
    throw error;
  }
  if (!reply.ok) throw new ClusterError('PART_REFUSED', reply.message, worker, { problems: reply.problems ?? [] });
  return { already: reply.already, incarnation: reply.incarnation };
}
