import { DELAY_ALLOWED, isDelay } from '../../clock.js';
import { NodeflowError, describe, errorMessage, readOptions } from '../../errors.js';
import { INITIAL_ALERT_STATE, stepAlert, type AlertState } from '../../machines/alert.logic.js';
import type { EngineMetrics } from '../engine/stream-engine.js';
import type { AlertRule, AlertSeverity, AlertSubject } from './alert-rules.js';

/**
 * One alert change: `firing` when a rule trips on a connection, `resolved` when it clears (or the
 * connection goes away), `error` when a rule threw and was removed. `alerts$` emits both; a storm is impossible by construction (hysteresis,
 * cooldown, one alert per rule and connection at a time).
 *
 * @example
 * ```ts
 * dbg.alerts$.subscribe((a: Alert) => console.log(a.severity, a.status, a.message));
 * ```
 */
export interface Alert {
  /** `<ruleId>@<connectionId>`: the same id for the firing and its resolution. */
  readonly id: string;
  readonly ruleId: string;
  readonly severity: AlertSeverity;
  /** `error`: the rule itself threw; it was removed (a user rule's bug, reported once). */
  readonly status: 'firing' | 'resolved' | 'error';
  readonly connectionId: string;
  readonly value: number;
  readonly threshold: number;
  readonly message: string;
  readonly at: number;
  /** When the alert fired (equal to `at` on the firing itself). */
  readonly firedAt: number;
}

const fmt = (v: number) => (Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : String(Number(v.toPrecision(3))));

/**
 * Evaluates alert rules per connection on each metrics snapshot. O(rules × connections) per
 * tick, never per message.
 * @internal
 */
export class AlertEvaluator {
  private readonly rules = new Map<string, AlertRule>();
  private readonly states = new Map<string, AlertState>();
  private previous: EngineMetrics | undefined;
  readonly active = new Map<string, Alert>();

  constructor(rules: readonly AlertRule[]) {
    for (const r of rules) this.add(r);
  }

  add(input: AlertRule): void {
    // One read of the caller's rule into a frozen copy: the checks and every later evaluation
    // see the same values, and a throwing getter becomes a ConfigError here.
    const rule = Object.freeze(readOptions(input, ['id', 'severity', 'description', 'unit', 'threshold', 'clearBelow', 'forMs', 'cooldownMs', 'measure', 'message'], 'rule.')) as AlertRule;
    const bad = (why: string) => new NodeflowError('INVALID_ARGUMENT', `addRule(${describe(rule.id)}): ${why}`, { rule: describe(rule.id) });
    if (typeof rule.id !== 'string' || rule.id === '' || typeof rule.measure !== 'function') throw bad('a rule needs an id and a measure(subject) function');
    if (rule.id.includes('@')) throw bad("a rule id cannot contain '@'");
    if (!['info', 'warning', 'critical'].includes(rule.severity)) throw bad('severity must be info, warning or critical');
    if (typeof rule.threshold !== 'number' || !Number.isFinite(rule.threshold)) throw bad('threshold must be a finite number');
    if (rule.clearBelow !== undefined && !(typeof rule.clearBelow === 'number' && rule.clearBelow <= rule.threshold)) throw bad('clearBelow must be a number <= threshold');
    if (typeof rule.description !== 'string' || rule.description === '') throw bad('description must be a non-empty string');
    if (rule.unit !== undefined && typeof rule.unit !== 'string') throw bad('unit must be a string');
    for (const k of ['forMs', 'cooldownMs'] as const) {
      const v = rule[k];
      if (v !== undefined && !isDelay(v)) throw bad(`${k} must be ${DELAY_ALLOWED}`);
    }
    if (rule.message !== undefined && typeof rule.message !== 'function') throw bad('message must be a function');
    if (this.rules.has(rule.id)) throw bad(`a rule ${rule.id} already exists`);
    this.rules.set(rule.id, rule);
  }

  /** Resolves every firing alert (the engine stopped: nothing is measured any more). */
  resolveAll(at: number, why: string): Alert[] {
    const out = [...this.active.values()].map((a): Alert => ({ ...a, status: 'resolved', message: `${a.connectionId}: ${why}`, at }));
    this.active.clear();
    this.states.clear();
    this.previous = undefined;
    return out;
  }

  /** Steps every rule on every connection; returns the alerts that fired or resolved. */
  evaluate(m: EngineMetrics): Alert[] {
    const out: Alert[] = [];
    const dt = this.previous ? m.at - this.previous.at : 0;
    for (const [cid, now] of Object.entries(m.connections)) {
      const subject: AlertSubject = { connectionId: cid, now, previous: this.previous?.connections[cid], intervalMs: dt };
      for (const rule of this.rules.values()) {
        const key = `${rule.id}@${cid}`;
        const s = this.states.get(key) ?? INITIAL_ALERT_STATE;
        let value: number | null;
        try {
          value = rule.measure(subject);
        } catch (error) {
          // A broken user rule must not take the sampling loop (or the process) down: it is
          // removed, and one critical alert says so.
          this.rules.delete(rule.id);
          const why = errorMessage(error);
          out.push({ id: key, ruleId: rule.id, severity: 'critical', status: 'error', connectionId: cid, value: NaN, threshold: rule.threshold, message: `${cid}: alert rule ${rule.id} threw (${why}) and was removed`, at: m.at, firedAt: m.at });
          continue;
        }
        const timing = { threshold: rule.threshold, clearBelow: rule.clearBelow ?? rule.threshold * 0.8, forMs: rule.forMs ?? 0, cooldownMs: rule.cooldownMs ?? 10_000 };
        const { state, change } = stepAlert(s, value, m.at, timing);
        this.states.set(key, state);
        if (change === null || value === null) continue;
        const firedAt = change === 'fire' ? m.at : (this.active.get(key)?.firedAt ?? m.at);
        const u = rule.unit ?? '';
        const message =
          change === 'fire'
            ? (rule.message?.(value, subject) ?? `${rule.description} ${fmt(value)}${u} > ${fmt(rule.threshold)}${u}`)
            : `${rule.description} back to ${fmt(value)}${u} (clears at <= ${fmt(timing.clearBelow)}${u})`;
        const alert: Alert = { id: key, ruleId: rule.id, severity: rule.severity, status: change === 'fire' ? 'firing' : 'resolved', connectionId: cid, value, threshold: rule.threshold, message: `${cid}: ${message}`, at: m.at, firedAt };
        if (change === 'fire') this.active.set(key, alert);
        else this.active.delete(key);
        out.push(alert);
      }
    }
    // A connection that went away resolves its alerts and forgets their state.
    for (const [key, a] of this.active) {
      if (m.connections[a.connectionId]) continue;
      this.active.delete(key);
      out.push({ ...a, status: 'resolved', message: `${a.connectionId}: connection removed`, at: m.at });
    }
    for (const key of this.states.keys()) if (!m.connections[key.slice(key.indexOf('@') + 1)]) this.states.delete(key);
    this.previous = m;
    return out;
  }
}
