import { NodeflowError, errorMessage } from '../../errors.js';
import type { StreamMessage } from '../../message.js';
import type { Batch } from '../../message.js';
import type { StandardResult, StandardSchemaV1 } from './definition.js';

/** Valid messages go on; each invalid one carries an error naming the port and the issues. @internal */
export interface PortCheck {
  valid: StreamMessage[];
  invalid: { message: StreamMessage; error: NodeflowError }[];
}

function issueText(r: StandardResult<unknown>): string {
  if (!r.issues) return '';
  return r.issues
    .map((i) => {
      const path = i.path?.map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.');
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

/**
 * Checks each message's `data` against a port's Standard Schema. Synchronous schemas give a
 * synchronous answer; any asynchronous result makes the whole check a promise.
 * @internal
 */
export function checkPort(schema: StandardSchemaV1, batch: Batch, portName: string): PortCheck | Promise<PortCheck> {
  const validate = schema['~standard'].validate;
  // A validator that throws fails that message only, as an issue.
  const results = batch.messages.map((m) => {
    try {
      return validate(m.data);
    } catch (error) {
      return { issues: [{ message: `validator threw: ${errorMessage(error)}` }] };
    }
  });
  const sort = (rs: StandardResult<unknown>[]): PortCheck => {
    const out: PortCheck = { valid: [], invalid: [] };
    rs.forEach((r, i) => {
      const m = batch.messages[i]!;
      if (r.issues) out.invalid.push({ message: m, error: new NodeflowError('INVALID_MESSAGE', `Port ${portName} rejected message ${String(m.id)}: ${issueText(r)}`, { port: portName, messageId: m.id }) });
      // The schema's output is what the node sees (zod transforms, defaults, coercions).
      else out.valid.push(Object.is(r.value, m.data) ? m : { ...m, data: r.value });
    });
    return out;
  };
  if (results.some((r) => r instanceof Promise)) {
    return Promise.all(results.map((r) => Promise.resolve(r).catch((error: unknown) => ({ issues: [{ message: `validator threw: ${errorMessage(error)}` }] })))).then(sort);
  }
  return sort(results as StandardResult<unknown>[]);
}
