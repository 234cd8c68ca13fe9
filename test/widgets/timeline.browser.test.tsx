import { StrictMode, type ReactNode } from 'react';
import { describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { FrameLoop, replay, Timeline, type FrameSource, type Replay } from '../../src/widgets/index.js';
import { Boundary, logOf, simEngine } from './replay-support.js';

const modes = [
  ['plain', (ui: ReactNode) => ui],
  ['StrictMode', (ui: ReactNode) => <StrictMode>{ui}</StrictMode>],
] as const;

/** A frame loop whose frames come only when the test calls `tick()`. */
function manualLoop() {
  let cbs: Array<(now: number) => void> = [];
  let t = 0;
  const source: FrameSource = {
    now: () => t,
    request: (cb) => (cbs.push(cb), cb),
    cancel: (h) => (cbs = cbs.filter((cb) => cb !== h)),
  };
  const tick = () => {
    t += 1000 / 60;
    for (const cb of cbs.splice(0)) cb(t);
  };
  return { loop: new FrameLoop(source), tick };
}

/** Sets a range input the way a user's drag does (React listens to `input`). */
function slide(input: HTMLInputElement, value: number): void {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(value));
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

const observed = (r: Replay) => (r as unknown as { changes: { observed: boolean } }).changes.observed;

// On a SimulatedClock a timed replay waits until the test moves the clock: a click cannot race it.
function setUp(batches = 10, size = 5) {
  const { engine } = simEngine();
  const view = engine.createWidget('view', { bufferSize: 10_000 });
  const log = logOf(batches, size);
  return { engine, view, log };
}

describe.each(modes)('Timeline (%s)', (_mode, wrap) => {
  test('play, pause, step, speed and the scrubber act on the replay', async () => {
    const { engine, view, log } = setUp();
    const r = replay(engine, log, 'view', { paused: true, speed: 1 });
    const screen = await render(wrap(<Timeline replay={r} scale="seq" />));
    const group = screen.getByRole('group', { name: 'Replay timeline' });
    await expect.element(group).toHaveAttribute('data-status', 'paused');
    await screen.getByRole('button', { name: 'Step one batch' }).click();
    await expect.element(group).toHaveAttribute('data-seq', '5');
    expect(view.window.toArray().map((m) => m.data)).toEqual([1, 2, 3, 4, 5]);
    const slider = screen.getByRole('slider', { name: 'Position (message)' });
    await expect.element(slider).toHaveAttribute('aria-valuetext', 'message 5 of 50');
    slide(slider.element() as HTMLInputElement, 28);
    await expect.element(slider).toHaveAttribute('aria-valuetext', 'message 28 of 50'); // the sought place, before a batch shows it
    await screen.getByRole('button', { name: 'Step one batch' }).click();
    await expect.element(group).toHaveAttribute('data-seq', '30');
    expect(view.window.toArray().map((m) => m.data).slice(5)).toEqual([28, 29, 30]);
    await screen.getByRole('combobox', { name: 'Speed' }).selectOptions('10');
    expect(r.state().speed).toBe(10);
    await screen.getByRole('button', { name: 'Play' }).click();
    expect(r.state().status).toBe('playing');
    await screen.getByRole('button', { name: 'Pause' }).click();
    expect(r.state().status).toBe('paused');
    await screen.getByRole('combobox', { name: 'Speed' }).selectOptions('instant');
    await screen.getByRole('button', { name: 'Play' }).click();
    await expect.element(group).toHaveAttribute('data-status', 'ended');
    await expect.element(screen.getByRole('button', { name: 'Play' })).toBeDisabled();
    await expect.element(slider).toBeDisabled();
    expect(view.window.toArray().at(-1)?.data).toBe(50);
    await screen.unmount();
    engine.dispose();
  });

  test('the time scale seeks by recorded time and says it in seconds', async () => {
    const { engine, view, log } = setUp(); // a batch every 100 ms, 0.9 s in all
    const r = replay(engine, log, 'view', { paused: true });
    const screen = await render(wrap(<Timeline replay={r} />));
    const slider = screen.getByRole('slider', { name: 'Position (time)' });
    await expect.element(slider).toHaveAttribute('aria-valuetext', '0 s of 0.9 s');
    slide(slider.element() as HTMLInputElement, 1450); // between the batches at 1400 and 1500
    await expect.element(slider).toHaveAttribute('aria-valuetext', '0.45 s of 0.9 s');
    await r.step();
    expect(view.window.toArray().map((m) => m.data)).toEqual([26, 27, 28, 29, 30]); // the batch at 1500
    await expect.element(slider).toHaveAttribute('aria-valuetext', '0.5 s of 0.9 s');
    // From the keyboard: an arrow moves 0.5% of the track (4.5 ms, rounded to 5) and seeks there.
    (slider.element() as HTMLInputElement).focus();
    await userEvent.keyboard('{ArrowRight}');
    await expect.element(slider).toHaveAttribute('aria-valuetext', '0.51 s of 0.9 s');
    await r.step();
    expect(view.window.toArray().at(-1)?.data).toBe(35); // the next batch (at 1600)
    await screen.unmount();
    engine.dispose();
  });

  test('unmount unsubscribes from the replay and cancels its frame', async () => {
    const { engine, log } = setUp();
    const r = replay(engine, log, 'view', { paused: true });
    const { loop, tick } = manualLoop();
    const screen = await render(wrap(<Timeline replay={r} frameLoop={loop} />));
    expect(observed(r)).toBe(true);
    r.setSpeed(5); // a change: the timeline asks for a frame (positive control)
    expect(loop.size).toBe(1);
    await screen.unmount();
    expect(observed(r)).toBe(false);
    expect(loop.size).toBe(0);
    tick();
    await r.stop();
    engine.dispose();
  });
});

describe('Timeline', () => {
  test('renders at most once a frame, never once per batch', async () => {
    const { engine, view, log } = setUp(1000, 1);
    const r = replay(engine, log, 'view', { paused: true });
    const { loop, tick } = manualLoop();
    const screen = await render(<Timeline replay={r} scale="seq" frameLoop={loop} />);
    const group = screen.getByRole('group');
    const before = Number(group.element().getAttribute('data-render-count'));
    r.resume();
    await r.done; // 1000 batches, 1000 states on state$
    expect(view.window.toArray()).toHaveLength(1000);
    expect(Number(group.element().getAttribute('data-render-count'))).toBe(before); // no frame yet: no render
    tick();
    await expect.element(group).toHaveAttribute('data-status', 'ended');
    expect(Number(group.element().getAttribute('data-render-count'))).toBe(before + 1);
    await expect.element(group).toHaveAttribute('data-seq', '1000');
    await screen.unmount();
    engine.dispose();
  });

  test('a replay that fails says why', async () => {
    const { engine, log } = setUp();
    const r = replay(engine, log, 'view', { paused: true });
    const screen = await render(<Timeline replay={r} />);
    engine.removeWidget('view'); // the target stops under the replay
    await r.step().catch(() => {});
    await expect.element(screen.getByRole('group')).toHaveAttribute('data-status', 'failed');
    await expect.element(screen.getByRole('alert')).toHaveTextContent('view');
    await screen.unmount();
    engine.dispose();
  });

  test('without a replay it is disabled; a replay that is not one is a ConfigError', async () => {
    const screen = await render(<Timeline replay={undefined} />);
    await expect.element(screen.getByRole('button', { name: 'Play' })).toBeDisabled();
    await expect.element(screen.getByRole('group')).toHaveAttribute('data-status', 'none');
    await screen.unmount();
    const bad = await render(<Boundary><Timeline replay={{} as Replay} /></Boundary>);
    await expect.element(bad.getByTestId('error')).toHaveTextContent('INVALID_CONFIG:replay');
    await bad.unmount();
  });
});
