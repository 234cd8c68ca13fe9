// The invariants of docs/semantics.md as checks of the model against the instrumented system.
import { pendingTimers } from '../../support/helpers.js';
import type { Model, Real } from './system.js';

type Invariant = (m: Model, r: Real) => void;
class Broken extends Error {}
export function fail(why: string): never {
  throw new Broken(why);
}
const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);

/** Ids never attempted nor dropped on arrival and younger than every attempt: the buffer, plus what a policy evicted from it. */
export function stillBuffered(m: Model, r: Real): Set<number> {
  const ids = new Set<number>();
  for (const msg of m.accepted) {
    const id = msg.id as number;
    if (id > r.maxAttempted && !r.selfDropped.has(id)) ids.add(id);
  }
  return ids;
}

const INVARIANTS: Record<string, Invariant> = {
  'conservation: accepted = delivered + dropped + deadLettered + inFlight, and the consumer agrees': (m, r) => {
    const s = r.c.stats();
    if (s.accepted !== s.delivered + s.droppedTotal + s.deadLettered + s.inFlight) fail(`conservation broken: ${JSON.stringify(s)}`);
    if (s.accepted !== m.accepted.length) fail(`accepted ${s.accepted} but the model saw ${m.accepted.length} offers taken`);
    if (s.delivered !== r.delivered.length) fail(`delivered ${s.delivered} but the consumer saw ${r.delivered.length}`);
    const dead = new Set(r.dead.flat());
    for (const id of r.late) {
      const tries = r.attempts.filter((a) => a.ids.includes(id)).length;
      if (!dead.has(id) && tries < 2 && !r.stopping) fail(`message ${id} finished late (after its attempt timed out) but was neither dead-lettered nor attempted again`);
    }
    if (s.deadLettered !== r.dead.flat().length) fail(`deadLettered ${s.deadLettered} but deadLetters$ carried ${r.dead.flat().length}`);
  },
  'bounded buffer: never more than bufferSize held (buffered plus the batch out)': (_m, r) => {
    if (r.c.stats().inFlight > r.setup.bufferSize) fail(`inFlight ${r.c.stats().inFlight} > ${r.setup.bufferSize}`);
  },
  'batch bounds: every attempt carries 1..maxBatchSize messages': (_m, r) => {
    for (const a of r.attempts) if (a.ids.length < 1 || a.ids.length > r.setup.maxBatchSize) fail(`batch of ${a.ids.length}`);
  },
  'ordering: the delivered stream is a subsequence of the sent stream (FIFO within every priority class)': (_m, r) => {
    if (!increasing(r.delivered)) fail(`delivered out of order: ${r.delivered.join(',')}`);
  },
  'retries never reorder: after a failed attempt the same batch goes next, unless it was dead-lettered': (_m, r) => {
    const deadFirst = new Set(r.dead.map((d) => d[0]));
    for (let i = 0; i + 1 < r.attempts.length; i++) {
      const a = r.attempts[i]!;
      if (a.ok !== false) continue;
      const next = r.attempts[i + 1]!;
      if (next.ids.join() !== a.ids.join() && !deadFirst.has(a.ids[0]!)) fail(`attempt ${i + 1} failed with [${a.ids}] but [${next.ids}] went next`);
    }
  },
  'at most 1 + retryAttempts attempts per batch; dead letters only after the last one (or at close)': (m, r) => {
    const count = new Map<string, number>();
    for (const a of r.attempts) count.set(a.ids.join(), (count.get(a.ids.join()) ?? 0) + 1);
    for (const [ids, n] of count) if (n > 1 + r.setup.retryAttempts) fail(`batch [${ids}] attempted ${n} times`);
    if (!m.stopped) for (const d of r.dead) if ((count.get(d.join()) ?? 0) !== 1 + r.setup.retryAttempts) fail(`[${d}] dead-lettered after ${count.get(d.join())} attempts`);
  },
  'no shedding below the drop threshold; policy drops only from a full buffer (conflate aside)': (_m, r) => {
    if (r.setup.overflowStrategy === 'conflate') return;
    const shedAt = r.setup.handler ? Math.max(1, Math.ceil(r.setup.handler.dropThreshold * r.setup.bufferSize)) : Infinity;
    // The handler sheds on buffered >= its threshold; a strategy acts when buffered + the batch out
    // fill the capacity.
    for (const d of r.dropsAt) if (d.before < shedAt && d.inFlight < r.setup.bufferSize) fail(`${d.reason} drop with ${d.before} buffered, ${d.inFlight} in flight (threshold ${shedAt}, capacity ${r.setup.bufferSize})`);
  },
  'eviction accounting: every accepted message never attempted is buffered or counted as evicted by a policy': (m, r) => {
    if (m.failed || m.stopped) return;
    const unattempted = m.accepted.filter((msg) => !r.attempted.has(msg.id as number) && !r.selfDropped.has(msg.id as number)).length;
    const buffered = r.c.stats().buffered;
    if (unattempted !== buffered + r.evicted) fail(`${unattempted} accepted messages never attempted, but ${buffered} buffered + ${r.evicted} evicted`);
  },
  'critical is never shed: each accepted critical message ends delivered, dead-lettered, or dropped at shutdown/open circuit': (m, r) => {
    if (!r.setup.handler) return;
    for (const msg of m.accepted) {
      if (msg.priority !== 'critical') continue;
      const id = msg.id as number;
      if (r.selfDropped.has(id)) fail(`critical message ${id} was dropped on arrival`);
      // The buffer is FIFO: once a younger message was handed out, an older one never handed
      // out can only have been evicted.
      if (!r.attempted.has(id) && id < r.maxAttempted) fail(`critical message ${id} was shed (message ${r.maxAttempted} went out, ${id} never did)`);
    }
    if (!m.failed && !m.stopped) {
      // Every never-attempted critical message younger than the last one out is still buffered.
      const waiting = m.accepted.filter((msg) => msg.priority === 'critical' && !r.attempted.has(msg.id as number)).length;
      if (waiting > r.c.stats().buffered) fail(`${waiting} critical messages wait, only ${r.c.stats().buffered} are buffered`);
    }
    if (!m.stopped || r.heldAtStop === null) return;
    // After stop: a critical message not delivered nor dead-lettered was in the connection when
    // stop began (in the batch out, or buffered), so its drop was shutdown/circuitOpen.
    const settled = new Set([...r.delivered, ...r.dead.flat()]);
    let unsettled = 0;
    for (const msg of m.accepted) {
      const id = msg.id as number;
      if (msg.priority !== 'critical' || settled.has(id)) continue;
      unsettled++;
      if (!r.attempted.has(id) && !r.heldAtStop.has(id)) fail(`critical message ${id} was not in the connection when stop began`);
    }
    const d = r.c.stats().dropped;
    if (unsettled > d.circuitOpen + d.shutdown) fail(`${unsettled} critical messages neither delivered nor dead-lettered, only ${d.circuitOpen + d.shutdown} dropped at shutdown/open circuit`);
  },
  'hysteresis: flowing below the high watermark, backpressured above the low one': (_m, r) => {
    const s = r.c.stats();
    const high = Math.max(1, Math.ceil(r.setup.backpressureThreshold * r.setup.bufferSize));
    const low = r.c.config.lowWatermark * r.setup.bufferSize;
    if (s.state === 'failed' || s.state === 'closed') return; // no longer flowing at all
    // Occupancy is what the connection holds: buffered plus the batch out.
    if (r.c.isBackpressured && (s.inFlight < low || s.inFlight === 0)) fail(`backpressured holding ${s.inFlight} (low watermark ${low})`);
    if (!r.c.isBackpressured && s.inFlight >= high) fail(`not backpressured holding ${s.inFlight} (high watermark ${high})`);
    if (s.state === 'flowing' && r.c.isBackpressured) fail('state flowing while the mailbox is pressured');
    if (s.state === 'backpressured' && !r.c.isBackpressured) fail('state backpressured while the mailbox is not');
  },
  'circuit: no attempt while open; at most halfOpenProbes attempts per half-open': (_m, r) => {
    for (const a of r.attempts) if (a.state === 'circuitOpen') fail(`an attempt [${a.ids}] while circuitOpen`);
    for (const n of r.halfOpenEpisodes) if (n > r.setup.halfOpenProbes) fail(`${n} attempts in one half-open (probes ${r.setup.halfOpenProbes})`);
  },
  'stop: inFlight 0, no timer left, no delivery afterwards': (m, r) => {
    if (!m.stopped) return;
    const s = r.c.stats();
    if (s.inFlight !== 0) fail(`inFlight ${s.inFlight} after stop`);
    if (pendingTimers(r.clock) !== 0) fail(`${pendingTimers(r.clock)} timers left after stop`);
    if (r.attempts.length !== r.stopAttempts) fail('a delivery after stop');
  },
};

/** Every invariant, in one pass: the first that breaks is named in the error. */
export function check(m: Model, r: Real) {
  if (!r.checking) return;
  for (const [name, invariant] of INVARIANT_LIST) {
    try {
      invariant(m, r);
    } catch (e) {
      if (e instanceof Broken) throw new Error(`invariant broken: ${name}: ${e.message}`);
      throw e;
    }
  }
}
export const INVARIANT_LIST = Object.entries(INVARIANTS);
