// The demo's live terminal dashboard: one row per connection (state, msg/s, recent latency
// percentiles, buffer bar, drops, retries) and a load line, redrawn in place on a TTY, printed
// as blocks otherwise. Alerts and other happenings are not part of a frame: they are printed
// once, when they happen, with `say` (see the legend for the columns).
import type { EngineMetrics } from '../src/index.js';

const bar = (ratio: number, width = 10) => '█'.repeat(Math.round(Math.min(1, ratio) * width)).padEnd(width, '·');
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)).padStart(6);
const num = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e4 ? `${(v / 1e3).toFixed(0)}k` : v.toFixed(0)).padStart(7);
const COLOR: Record<string, string> = { flowing: '32', backpressured: '33', retrying: '35', circuitOpen: '31', halfOpen: '36' };

/** Renders one dashboard frame as lines: the header, the column titles, a row per connection, the load line. */
export function dashboardLines(m: EngineMetrics, header: string, load: string, color: boolean): string[] {
  const paint = (s: string, state: string) => (color && COLOR[state] ? `\x1b[${COLOR[state]}m${s}\x1b[0m` : s);
  const lines = [header, `  ${'connection'.padEnd(30)} ${'state'.padEnd(13)} ${'msg/s'.padStart(7)} ${'p50 ms'.padStart(6)} ${'p95 ms'.padStart(6)} ${'p99 ms'.padStart(6)}  buffer      ${'dropped'.padStart(8)} retries`];
  for (const [id, c] of Object.entries(m.connections)) {
    const r = c.metrics.recentLatency;
    lines.push(
      `  ${id.slice(0, 30).padEnd(30)} ${paint(c.state.padEnd(13), c.state)} ${num(c.metrics.outPerSec)} ${ms(r.p50)} ${ms(r.p95)} ${ms(r.p99)}  ${bar(c.bufferUtilization)} ${String(c.droppedTotal).padStart(8)} ${String(c.retries).padStart(7)}`,
    );
  }
  lines.push(load);
  return lines;
}

/** Draws frames in place on a TTY (cursor up + clear), or prints every `plainEveryMs` otherwise. */
export class Dashboard {
  private drawn = 0;
  private lastPlain = 0;
  constructor(
    private readonly tty: boolean,
    private readonly plainEveryMs = 5000,
  ) {}

  /** `force` prints a frame off a TTY whatever the interval (the last one, say). */
  draw(lines: string[], now: number, force = false): void {
    if (this.tty) {
      const up = this.drawn > 0 ? `\x1b[${this.drawn}A\x1b[J` : '';
      process.stdout.write(up + lines.join('\n') + '\n');
      this.drawn = lines.length;
    } else if (force || now - this.lastPlain >= this.plainEveryMs) {
      this.lastPlain = now;
      console.log(lines.join('\n'));
    }
  }

  /** Text printed once, above the dashboard (which the next frame redraws below it). */
  say(text: string): void {
    if (this.tty && this.drawn > 0) process.stdout.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
    console.log(text);
  }
}
