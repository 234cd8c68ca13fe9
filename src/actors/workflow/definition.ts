import type { StreamConfig } from '../../config.js';
import { NodeflowError } from '../../errors.js';

/**
 * The Standard Schema v1 interface (standardschema.dev): zod, valibot and arktype schemas
 * implement it, so a port schema works with any of them without an adapter.
 *
 * @example
 * ```ts
 * const positive: StandardSchemaV1<number> = {
 *   '~standard': { version: 1, vendor: 'mine', validate: (v) => (typeof v === 'number' && v > 0 ? { value: v } : { issues: [{ message: 'must be > 0' }] }) },
 * };
 * ```
 */
export interface StandardSchemaV1<Output = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
  };
}

/**
 * A Standard Schema validation result.
 *
 * @example
 * ```ts
 * const r: StandardResult<number> = { issues: [{ message: 'Expected number' }] };
 * ```
 */
export type StandardResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }> };

/**
 * A node port: an optional declared data type (checked between connected ports before a
 * workflow starts; `'any'` matches everything) and an optional schema (checked on every
 * message that arrives at the port).
 *
 * @example
 * ```ts
 * const port: PortSpec = { type: 'number', schema: positive };
 * ```
 */
export interface PortSpec {
  readonly type?: string;
  readonly schema?: StandardSchemaV1;
  readonly description?: string;
}

/**
 * A node in a workflow definition.
 *
 * @example
 * ```ts
 * const n: WorkflowNode = { id: 'wave', type: 'source.sine', config: { amplitude: 1, period: 1000, rate: 1000, count: 5000 } };
 * const placed: WorkflowNode = { id: 'fft', type: 'transform.map', config: { fn: 'fft' }, placement: 'w1' };
 * ```
 */
export interface WorkflowNode {
  readonly id: string;
  readonly type: string;
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * The worker process this node runs on (`nodeflow worker --name <worker>`), for runs started
   * with `executeOnCluster` from `@nodeflow/runtime/cluster`; without it the node runs in the
   * calling process. A NATS subject token: non-empty, no whitespace, `.`, `*` or `>`.
   */
  readonly placement?: string;
}

/**
 * An edge: `source.sourcePort → target.targetPort`; `config` overrides the StreamConfig of the
 * connection it becomes.
 *
 * @example
 * ```ts
 * const e: WorkflowEdge = { id: 'e1', source: 'wave', sourcePort: 'out', target: 'chart', targetPort: 'in', config: { maxBatchSize: 100 } };
 * ```
 */
export interface WorkflowEdge {
  readonly id?: string;
  readonly source: string;
  readonly sourcePort: string;
  readonly target: string;
  readonly targetPort: string;
  readonly config?: Partial<StreamConfig>;
}

/**
 * A workflow: plain JSON-serialisable data. `config` is the StreamConfig every edge starts from.
 *
 * @example
 * ```ts
 * const def: WorkflowDefinition = {
 *   id: 'demo',
 *   nodes: [{ id: 'src', type: 'source.sequential', config: { count: 100 } }, { id: 'sink', type: 'sink.collector' }],
 *   edges: [{ source: 'src', sourcePort: 'out', target: 'sink', targetPort: 'in' }],
 * };
 * ```
 */
export interface WorkflowDefinition {
  readonly id?: string;
  readonly nodes: readonly WorkflowNode[];
  readonly edges: readonly WorkflowEdge[];
  readonly config?: Partial<StreamConfig>;
}

/**
 * One problem found in a definition, naming the node or edge.
 *
 * @example
 * ```ts
 * const p: WorkflowProblem = { code: 'UNKNOWN_NODE_TYPE', path: 'nodes[1]', nodeId: 'x', message: "node x: unknown type 'source.foo'" };
 * ```
 */
export interface WorkflowProblem {
  readonly code:
    | 'INVALID_DEFINITION'
    | 'DUPLICATE_NODE_ID'
    | 'DUPLICATE_EDGE_ID'
    | 'UNKNOWN_NODE_TYPE'
    | 'MISSING_NODE'
    | 'UNKNOWN_PORT'
    | 'PORT_TYPE_MISMATCH'
    | 'INVALID_NODE_CONFIG'
    | 'INVALID_EDGE_CONFIG'
    | 'DUPLICATE_EDGE'
    | 'CYCLE'
    | 'NODE_ID_IN_USE'
    | 'INVALID_PLACEMENT';
  readonly path: string;
  readonly nodeId?: string;
  readonly edgeId?: string;
  readonly message: string;
}

/**
 * Thrown by executeWorkflow for an invalid definition: every problem at once, nothing started.
 *
 * @example
 * ```ts
 * try { await workflowEngine.executeWorkflow(def); }
 * catch (e) { if (e instanceof WorkflowValidationError) for (const p of e.problems) console.log(p.path, p.message); }
 * ```
 */
export class WorkflowValidationError extends NodeflowError {
  override readonly name: string = 'WorkflowValidationError';
  constructor(readonly problems: readonly WorkflowProblem[]) {
    super('INVALID_ARGUMENT', `Invalid workflow (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `- ${p.path}: ${p.message}`).join('\n')}`, { problems });
  }
}
