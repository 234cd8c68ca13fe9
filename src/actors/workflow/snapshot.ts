import { errorMessage } from '../../errors.js';
import type { WorkflowDefinition, WorkflowProblem } from './definition.js';

/**
 * The most nodes or edges a definition may list: far past any real workflow, and it keeps a
 * sparse array whose length is 2^32 − 1 from being copied element by element.
 */
const MAX_ITEMS = 1_000_000;

class Unreadable {
  constructor(readonly problem: WorkflowProblem) {}
}

/**
 * Reads a workflow definition once into plain copies (the definition, its node and edge lists,
 * each node and edge, their configs: own keys only), so validation and the run that follows
 * see the same values and never touch the caller's objects again. A part that cannot be read
 * (a throwing getter, a revoked proxy) is one `INVALID_DEFINITION` problem naming its path;
 * values that are not objects are kept as they are, for validation to report.
 *
 * @example
 * ```ts
 * const { def, problems } = readDefinition(input);
 * if (problems.length) throw new WorkflowValidationError(problems);
 * ```
 * @internal
 */
export function readDefinition(input: unknown): { def: WorkflowDefinition; problems: WorkflowProblem[] } {
  try {
    const def = own(input, 'definition') as Record<string, unknown>;
    if (def === null || typeof def !== 'object' || Array.isArray(def)) return { def: input as WorkflowDefinition, problems: [] };
    for (const list of ['nodes', 'edges'] as const) {
      const items = own(def[list], list);
      if (Array.isArray(items)) {
        items.forEach((item, i) => {
          const copy = own(item, `${list}[${i}]`) as Record<string, unknown> | undefined;
          if (copy && typeof copy === 'object' && !Array.isArray(copy) && copy.config !== undefined) copy.config = own(copy.config, `${list}[${i}].config`);
          items[i] = copy;
        });
      }
      def[list] = items;
    }
    if (def.config !== undefined) def.config = own(def.config, 'config');
    return { def: def as unknown as WorkflowDefinition, problems: [] };
  } catch (error) {
    if (error instanceof Unreadable) return { def: input as WorkflowDefinition, problems: [error.problem] };
    throw error;
  }
}

// A plain copy of an object's own enumerable keys, or of an array's items; other values as is.
function own(value: unknown, path: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  try {
    if (Array.isArray(value)) {
      if (value.length > MAX_ITEMS) throw new Unreadable({ code: 'INVALID_DEFINITION', path, message: `${path}: at most ${MAX_ITEMS} items` });
      return Array.from(value as unknown[]);
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = (value as Record<string, unknown>)[key];
    return copy;
  } catch (error) {
    if (error instanceof Unreadable) throw error;
    throw new Unreadable({ code: 'INVALID_DEFINITION', path, message: `${path} cannot be read (${errorMessage(error)})` });
  }
}
