// A small engine that misbehaves on demand, for the inspector stories: a producer feeding a
// consumer (the connection to watch), a chart widget and a logger. Overload makes the consumer
// slow and the producer fast; a fault makes the consumer throw. A short breaker (3 failures,
// 400 ms open) lets a viewer see retrying, circuitOpen and halfOpen within seconds.
import { GracefulErrorRecovery, StreamEngine, type Batch } from '../../src/index.js';

export class FaultScenario {
  readonly engine = new StreamEngine({ bufferSize: 300, maxBatchSize: 20, batchTimeout: 8 });
  readonly watched: string;
  overload = false;
  failing = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private seq = 0;

  constructor() {
    const recovery = new GracefulErrorRecovery({
      retryAttempts: 1,
      retryDelay: 60,
      circuitBreaker: { consecutiveFailures: 3, resetTimeout: 400, maxResetTimeout: 800, halfOpenTimeout: 2000 },
    });
    this.engine.setErrorRecovery(recovery);
    this.engine.createWidget('chart', { bufferSize: 200 });
    this.engine.node('consumer', { process: (batch) => this.consume(batch) });
    this.engine.node('logger', { process: () => {} });
    this.watched = this.engine.createConnection('producer', 'consumer', 'out', 'in');
    this.engine.createConnection('producer', 'chart', 'out', 'in');
    this.engine.createConnection('producer', 'logger', 'audit', 'in');
    this.timer = setInterval(() => this.tick(), 20);
  }

  get connection() {
    return this.engine.getConnection(this.watched);
  }

  private consume(_batch: Batch): void | Promise<void> {
    if (this.failing) throw new Error('injected fault');
    if (this.overload) return new Promise((resolve) => setTimeout(resolve, 120));
  }

  private tick(): void {
    const out = this.engine.node('producer').output('out');
    for (let i = this.overload ? 80 : 2; i > 0; i--) {
      out.emit({ id: ++this.seq, timestamp: Date.now(), sourceNodeId: 'producer', port: 'out', data: Math.sin(this.seq / 20) });
    }
    if (this.seq % 10 === 0) this.engine.emit('producer', 'audit', { id: `a${this.seq}`, timestamp: Date.now(), sourceNodeId: 'producer', port: 'audit', data: this.seq });
  }

  dispose(): void {
    clearInterval(this.timer);
    this.engine.dispose();
  }
}
