import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../errors.js';
import { WorkflowEngine } from '../actors/workflow/workflow-engine.js';
import type { NodeTypeDefinition } from '../actors/workflow/node-types.js';
import { isWorkerName } from '../actors/workflow/validate.js';
import { registerIoNodeTypes } from '../io/index.js';
import { natsCluster } from './nats-cluster.js';
import { startWorker } from './worker.js';

/** The `nodeflow worker` usage lines. */
export const WORKER_USAGE = `       nodeflow worker --nats URL --name NAME [--types MODULE]

  worker     run the workflow nodes placed on NAME (a node's placement), fed over NATS JetStream
    --nats   the NATS server (nats://host:port; repeat or comma-separate for a cluster)
    --name   this worker's name (a NATS subject token: no whitespace, '.', '*' or '>')
    --types  a module whose exports register extra node types: NodeTypeDefinition objects (or
             arrays of them), a registerNodeTypes(workflowEngine) function, and/or a
             functions object of named functions for transform.map / transform.filter`;

type Write = (s: string) => void;

/**
 * Parses `nodeflow worker` arguments: the options, or the reason they are wrong.
 *
 * @example
 * ```ts
 * parseWorkerArgs(['--nats', 'nats://127.0.0.1:4222', '--name', 'w1']); // { servers: [...], name: 'w1' }
 * ```
 */
export function parseWorkerArgs(args: readonly string[]): { servers: string[]; name: string; types?: string } | string {
  const servers: string[] = [];
  let name: string | undefined;
  let types: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a !== '--nats' && a !== '--name' && a !== '--types') return `unknown argument ${a}`;
    const v = args[++i];
    if (v === undefined || v.startsWith('--')) return `${a} needs a value`;
    if (a === '--nats') servers.push(...v.split(',').filter(Boolean));
    else if (a === '--name') name = v;
    else types = v;
  }
  if (servers.length === 0) return 'worker needs --nats URL';
  if (name === undefined) return 'worker needs --name NAME';
  if (!isWorkerName(name)) return `--name must be a NATS subject token (no whitespace, '.', '*' or '>'), not ${JSON.stringify(name)}`;
  return { servers, name, ...(types !== undefined ? { types } : {}) };
}

/**
 * Registers what a `--types` module exports on `wf`; returns how many node types and functions
 * it added (none: the module is not a types module).
 *
 * @example
 * ```ts
 * const added = await loadTypes(wf, './my-types.js');
 * ```
 */
export async function loadTypes(wf: WorkflowEngine, file: string): Promise<number> {
  const mod = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  let added = 0;
  const isType = (v: unknown): v is NodeTypeDefinition => typeof v === 'object' && v !== null && typeof (v as NodeTypeDefinition).type === 'string' && typeof (v as NodeTypeDefinition).create === 'function';
  for (const [key, value] of Object.entries(mod)) {
    if (key === 'registerNodeTypes' && typeof value === 'function') {
      await (value as (wf: WorkflowEngine) => unknown)(wf);
      added++;
    } else if (key === 'functions' && typeof value === 'object' && value !== null) {
      for (const [name, fn] of Object.entries(value)) if (typeof fn === 'function') (wf.registerFunction(name, fn as (v: unknown) => unknown), added++);
    } else for (const t of Array.isArray(value) ? value : [value]) if (isType(t)) (wf.registerNodeType(t), added++);
  }
  return added;
}

/**
 * Runs `nodeflow worker` until `until` settles (SIGINT/SIGTERM in the CLI): registers the
 * built-in, I/O and `--types` node types, joins the cluster, prints a ready line, and at the end
 * stops its parts and leaves. Resolves to the exit code (2: bad arguments or types module, 1:
 * no NATS).
 *
 * @example
 * ```ts
 * process.exitCode = await runWorker(['--nats', url, '--name', 'w1'], out, err, signalled);
 * ```
 */
export async function runWorker(args: readonly string[], out: Write, err: Write, until: Promise<unknown>, usage: string): Promise<number> {
  const o = parseWorkerArgs(args);
  if (typeof o === 'string') return err(`nodeflow: ${o}\n${usage}\n`), 2;
  const wf = new WorkflowEngine();
  registerIoNodeTypes(wf);
  if (o.types !== undefined) {
    try {
      if ((await loadTypes(wf, o.types)) === 0) return err(`nodeflow: --types ${o.types} exports no node types, registerNodeTypes or functions\n`), 2;
    } catch (e) {
      return err(`nodeflow: cannot load --types ${o.types}: ${errorMessage(e)}\n`), 2;
    }
  }
  let worker;
  try {
    worker = await startWorker({ cluster: natsCluster({ servers: o.servers }), name: o.name, workflowEngine: wf });
  } catch (e) {
    return err(`nodeflow: ${errorMessage(e)}\n`), 1;
  }
  out(`nodeflow worker ${o.name} ready on ${o.servers.join(',')} (${wf.nodeTypes().length} node types)\n`);
  await until;
  await worker.stop();
  await wf.getStreamEngine().stop();
  out(`nodeflow worker ${o.name} stopped\n`);
  return 0;
}
