import { ConfigError, NodeflowError, readOptions } from '../../errors.js';
import { readDefinition } from './snapshot.js';
import { isInstance } from '../../shape.js';
import type { StreamConfig } from '../../config.js';
import { StreamEngine, type EngineOptions } from '../engine/stream-engine.js';
import { BUILTIN_NODE_TYPES } from './builtins.js';
import { WorkflowValidationError, type WorkflowDefinition, type WorkflowProblem } from './definition.js';
import { NodeTypeRegistry, type NodeTypeDefinition } from './node-types.js';
import { WorkflowRun } from './run.js';
import { validateWorkflow } from './validate.js';

/**
 * Options of {@link WorkflowEngine}; all optional.
 *
 * @example
 * ```ts
 * const wf = new WorkflowEngine({ config: { maxBatchSize: 100 } });
 * ```
 */
export interface WorkflowEngineOptions {
  /** Run on this stream engine (default: a new one made with `config` and `engineOptions`, which may not be given with it). */
  streamEngine?: StreamEngine;
  config?: Partial<StreamConfig>;
  engineOptions?: EngineOptions;
}

let runs = 0;

/**
 * Turns workflow definitions into running actor graphs on one StreamEngine: every node becomes
 * a node actor (or a widget actor), every edge a stream connection. Node types come from a
 * registry with built-ins (sources for each data pattern, map/filter/aggregate/throttle,
 * collector/log/widget sinks) and your own (`registerNodeType`).
 *
 * @example
 * ```ts
 * const workflowEngine = new WorkflowEngine();
 * const streamEngine = workflowEngine.getStreamEngine();
 * const run = await workflowEngine.executeWorkflow({
 *   nodes: [{ id: 'src', type: 'source.sequential', config: { count: 1000 } }, { id: 'out', type: 'sink.collector' }],
 *   edges: [{ source: 'src', sourcePort: 'out', target: 'out', targetPort: 'in' }],
 * });
 * await run.done;
 * ```
 */
export class WorkflowEngine {
  private readonly engine: StreamEngine;
  private readonly registry = new NodeTypeRegistry();
  private readonly functions = new Map<string, (value: unknown) => unknown>();

  constructor(options: WorkflowEngineOptions = {}) {
    const o = readOptions(options, ['streamEngine', 'config', 'engineOptions']);
    if (o.streamEngine !== undefined && !isInstance(o.streamEngine, StreamEngine)) throw new ConfigError('streamEngine', 'a StreamEngine', o.streamEngine);
    if (o.streamEngine && (o.config !== undefined || o.engineOptions !== undefined)) {
      throw new ConfigError('config', 'config/engineOptions only with no streamEngine (they make the new engine); set them on the engine you pass', o.config ?? o.engineOptions);
    }
    this.engine = o.streamEngine ?? new StreamEngine(o.config, o.engineOptions);
    for (const t of BUILTIN_NODE_TYPES) this.registry.register(t);
  }

  /** The StreamEngine the workflows run on: attach widgets and debuggers to its connections. */
  getStreamEngine(): StreamEngine {
    return this.engine;
  }

  /** Adds a node type (its name must be new). */
  registerNodeType(def: NodeTypeDefinition): void {
    this.registry.register(def);
  }

  /** Every known node type, built-ins first. */
  nodeTypes(): NodeTypeDefinition[] {
    return this.registry.list();
  }

  /** Names a function for `transform.map` / `transform.filter` configs (`{ fn: name }`). */
  registerFunction(name: string, fn: (value: unknown) => unknown): void {
    if (typeof name !== 'string' || name.length === 0 || typeof fn !== 'function') throw new NodeflowError('INVALID_ARGUMENT', 'registerFunction(name, fn): a non-empty name and a function', { name });
    this.functions.set(name, fn);
  }

  /** Every problem of a definition, without starting anything (empty: valid). */
  validate(def: WorkflowDefinition): WorkflowProblem[] {
    return this.check(readDefinition(def));
  }

  // Validation of a definition already read once into plain copies (readDefinition).
  private check({ def, problems: unreadable }: { def: WorkflowDefinition; problems: WorkflowProblem[] }): WorkflowProblem[] {
    if (unreadable.length > 0) return unreadable;
    const problems = validateWorkflow(def, this.registry, this.engine);
    // Functions named in configs must exist too.
    (Array.isArray(def?.nodes) ? def.nodes : []).forEach((n, i) => {
      const fn = (n?.config as { fn?: unknown } | undefined)?.fn;
      if (typeof fn === 'string' && !this.functions.has(fn)) {
        problems.push({ code: 'INVALID_NODE_CONFIG', path: `nodes[${i}].config`, nodeId: n.id, message: `node ${n.id}: fn '${fn}' is not registered (registerFunction)` });
      }
    });
    return problems;
  }

  /**
   * Validates `def` (every problem at once, as a WorkflowValidationError; nothing is created
   * for an invalid workflow), creates its nodes and connections, starts it, and resolves with
   * the run's handle. `run.done` settles when it has finished.
   */
  async executeWorkflow(input: WorkflowDefinition): Promise<WorkflowRun> {
    // The run is built from the same copy that was validated, never from the caller's object.
    const read = readDefinition(input);
    const def = read.def;
    const problems = this.check(read);
    if (problems.length > 0) throw new WorkflowValidationError(problems);
    const run = new WorkflowRun(def.id ?? `workflow-${++runs}`, this.engine, def, (t) => this.registry.get(t)!, (name) => this.functions.get(name)!);
    run.start();
    return run;
  }
}
