import { describe, expect, it } from 'vitest';
import { cardStatus } from '../../src/widgets/card.js';
import { EMPTY } from '../../src/widgets/stream-data.js';
import type { StreamData } from '../../src/widgets/index.js';

const stream = (isConnected: boolean, backpressured: boolean): StreamData => ({ ...EMPTY, isConnected, metrics: { ...EMPTY.metrics, backpressured } });

describe('WidgetCard status', () => {
  it('says backpressured when its widget holds a batch for this view, which outranks connected', () => {
    expect(cardStatus(stream(true, false))).toBe('connected');
    expect(cardStatus(stream(true, true))).toBe('backpressured');
    expect(cardStatus(stream(false, false))).toBe('disconnected');
    // A stopped widget is not connected, whatever it held last.
    expect(cardStatus(stream(false, true))).toBe('disconnected');
  });
});
