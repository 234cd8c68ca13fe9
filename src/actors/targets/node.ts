import { Observable, Subject } from 'rxjs';
import type { SnapshotFrom } from 'xstate';
import { NodeflowError, errorMessage } from '../../errors.js';
import { nodeDormancy, nodeMachine, type NodeActorRef } from '../../machines/node.machine.js';
import { OutputPort, type PortWarnings } from './output-port.js';
import type { ActorHost } from '../types.js';
import { BatchHandoff } from './batch-handoff.js';
import type { Batch, Inbox } from '../../message.js';
import { ActorSlot } from '../engine/actor-slot.js';
import type { NodeThreadOptions } from '../../threads/options.js';

/**
 * A node's batch handler: called once per delivered batch (never per message). Return a promise
 * to make the delivery asynchronous; throw or reject to fail it (the connection then retries).
 *
 * @example
 * ```ts
 * const process: ProcessFn = (batch, node) => {
 *   for (const m of batch.messages) node.output('out').emit({ ...m, sourceNodeId: node.id, port: 'out' });
 * };
 * ```
 */
export type ProcessFn = (batch: Batch, node: NodeHandle) => void | PromiseLike<void>;

/**
 * Options of `engine.node(id, options)`.
 *
 * @example
 * ```ts
 * engine.node('double', { process: (b) => console.log(b.messages.length) });
 * ```
 */
export interface NodeOptions {
  process?: ProcessFn;
  /** false: the node waits in `idle` (deliveries wait) until `start()`. Default true. */
  autoStart?: boolean;
  /** Runs the node's batches on worker threads instead of `process` (docs/threads.md). */
  thread?: NodeThreadOptions;
}

/**
 * A node's lifecycle state, typed from the node machine (never a hand-kept copy): `idle`,
 * `running`, `paused`, then one of the final `completed`, `failed`, `stopped`.
 *
 * @example
 * ```ts
 * const s: NodeState = engine.node('sink').state;
 * if (s === 'failed') console.error(engine.node('sink').actor.getSnapshot().context.error);
 * ```
 */
export type NodeState = SnapshotFrom<typeof nodeMachine>['value'];

/**
 * A node as users see it: its output ports, its delivered batches, and its actor.
 *
 * @example
 * ```ts
 * const src = engine.node('sensor');
 * const out = src.output('out');
 * out.emit({ id: 1, timestamp: Date.now(), sourceNodeId: 'sensor', port: 'out', data: 20.5 });
 * ```
 */
export interface NodeHandle {
  readonly id: string;
  readonly actor: NodeActorRef;
  /** Every batch delivered to this node, on any input port. */
  readonly batches$: Observable<Batch>;
  /** The output port `name` (created on first use); `emit` fans out to its connections. */
  output(name: string): OutputPort;
  /** idle → running (only needed after `autoStart: false`). */
  start(): void;
  /** Holds deliveries (connections back up) until `resume()`. */
  pause(): void;
  resume(): void;
  /** idle, running, paused, completed, failed or stopped. */
  readonly state: NodeState;
}

/**
 * Runtime of one node actor: delivered batches go through the actor as ONE `batch.ready`
 * event, the actor's action hands them back here, and the outcome of the user's `process` is
 * read right after the synchronous send.
 *
 * @example
 * ```ts
 * const node = new NodeRuntime('sink', { clock: realClock, inspect: undefined }, { process: (b) => console.log(b.messages.length) });
 * node.deliver({ connectionId: 'c', port: 'in', messages }); // one batch.ready event, then process
 * ```
 * @internal
 */
export class NodeRuntime implements NodeHandle, Inbox {
  private readonly handoff = new BatchHandoff();
  private readonly slot: ActorSlot<typeof nodeMachine>;
  /** Made on first subscription: most nodes of a big topology are never watched. */
  private subject: Subject<Batch> | undefined = undefined;
  private observable: Observable<Batch> | undefined = undefined;
  private ended = false;
  private readonly outputs = new Map<string, OutputPort>();
  private process: ProcessFn | undefined;
  private result: void | PromiseLike<void> = undefined;
  private failed = false;
  private error: unknown = undefined;
  private parked: Array<() => void> = [];
  /** Created only because a connection named it (removed with its last connection). @internal */
  auto = false;
  /** Messages emitted on a port with no connection: counted, never silently lost. */
  unrouted = 0;
  received = 0;

  constructor(
    readonly id: string,
    private readonly host: ActorHost,
    options: NodeOptions = {},
    /** Where its output ports report likely typos (none: warnings are off). @internal */
    readonly warnings: PortWarnings | undefined = undefined,
  ) {
    this.process = options.process;
    this.slot = new ActorSlot(nodeMachine, { kind: 'node', id, host, dormancy: nodeDormancy, input: { nodeId: id, sink: { ingest: (b) => this.took(b) } } });
    if (options.autoStart !== false) this.start();
  }

  /** The node's actor (started now if it was not yet needed: see `ActorSlot`). */
  get actor(): NodeActorRef {
    return this.slot.ref;
  }

  /** Starts the actor now (an inspector watches nodes). @internal */
  wake(): void {
    this.slot.wake();
  }

  get batches$(): Observable<Batch> {
    if (this.observable) return this.observable;
    const subject = (this.subject = new Subject<Batch>());
    if (this.ended) subject.complete(); // a stopped node delivers nothing more
    return (this.observable = subject.asObservable());
  }

  /** Has a batch handler or subscribers: somebody relies on it. @internal */
  isObserved(): boolean {
    return this.process !== undefined || this.subject?.observed === true;
  }

  setProcess(fn: ProcessFn | undefined): void {
    this.process = fn;
  }

  output(name: string): OutputPort {
    if (typeof name !== 'string' || name.length === 0) throw new NodeflowError('INVALID_ARGUMENT', `node ${this.id}: an output port name must be a non-empty string`, { nodeId: this.id });
    let port = this.outputs.get(name);
    if (!port) {
      port = new OutputPort(this, name);
      this.outputs.set(name, port);
    }
    return port;
  }

  /** @internal */
  existingOutput(name: string): OutputPort | undefined {
    return this.outputs.get(name);
  }

  deliver(batch: Batch): void | PromiseLike<void> {
    const slot = this.slot;
    if (slot.status !== 'active') {
      throw new NodeflowError('TARGET_STOPPED', `Node ${this.id} is ${slot.value} and cannot take deliveries`, { nodeId: this.id, state: slot.value });
    }
    if (slot.value !== 'running') {
      return new Promise<void>((resolve, reject) => {
        this.parked.push(() => {
          try {
            const r = this.deliver(batch);
            if (r) r.then(resolve, reject);
            else resolve();
          } catch (e) {
            reject(e);
          }
        });
      });
    }
    this.result = undefined;
    // The machine's running --batch.ready--> running only hands the batch to ingest: a plain
    // call unless nodes are inspected (then the event goes through the actor, to be seen).
    if (slot.takesDirect('batch.ready')) this.ingest(batch);
    else this.handoff.send(slot.ref, batch);
    if (this.failed) {
      const e = this.error;
      this.failed = false;
      this.error = undefined;
      throw e;
    }
    const r = this.result;
    this.result = undefined;
    return r;
  }

  /** The actor's `ingestBatch` action: the batch came through the actor. */
  private took(batch: Batch): void {
    this.handoff.took(batch);
    this.ingest(batch);
  }

  private ingest(batch: Batch): void {
    this.received += batch.messages.length;
    try {
      if (this.subject?.observed) this.subject.next(batch);
      if (this.process) this.result = this.process(batch, this);
    } catch (error) {
      this.failed = true;
      this.error = error;
    }
  }

  /** idle → running: parked deliveries go through. */
  start(): void {
    this.move({ type: 'node.start' });
    this.unpark();
  }

  pause(): void {
    this.move({ type: 'node.pause' });
  }

  resume(): void {
    this.move({ type: 'node.resume' });
    this.unpark();
  }

  /** Its inputs ended (or, for a source, its data): final. @internal */
  complete(): void {
    this.move({ type: 'node.complete' });
    this.unpark();
  }

  /** Final failure; later deliveries fail (and are retried, then dead-lettered). @internal */
  fail(error: unknown): void {
    this.move({ type: 'node.fail', error: errorMessage(error) });
    this.unpark();
  }

  // Lifecycle events are rare edges: each state change is reported to the engine's events, so
  // a debugger need not inspect node actors (which also take one event per batch).
  private move(event: Parameters<NodeActorRef['send']>[0]): void {
    const from = this.state;
    this.slot.send(event);
    const to = this.state;
    if (from !== to) this.host.emit?.({ type: 'node.state', nodeId: this.id, from, to, event: event.type, at: this.host.clock.now() });
  }

  /** The node machine's state: idle, running, paused, completed, failed or stopped. */
  get state(): NodeState {
    return this.slot.value as NodeState;
  }

  private unpark(): void {
    const parked = this.parked;
    this.parked = [];
    for (const run of parked) run();
  }

  stop(): void {
    if (this.slot.status === 'active') this.move({ type: 'node.stop' });
    this.slot.retire();
    const parked = this.parked;
    this.parked = [];
    for (const run of parked) run(); // each now fails: the node is stopped
    this.ended = true;
    this.subject?.complete();
  }
}
