import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useState } from 'react';
import { expect, userEvent, waitFor } from 'storybook/test';
import type { StreamEngine } from '../src/index.js';
import { LineChart, MemoryLog, record, Timeline, useReplay, type Recording } from '../src/widgets/index.js';
import { defaultLiveArgs, fanOut, liveArgTypes, LiveEngine, type LiveArgs } from './support/live-engine.js';
import { expectLive, num } from './support/assert.js';

// The sensor's one connection ('sensor:out') is recorded into a MemoryLog in the page; the views
// open once two seconds are recorded, so the replay has a history to show.
const HEAD_START_MS = 2000;
const recorded = new WeakMap<StreamEngine, { log: MemoryLog; recording: Recording }>();

function build(engine: StreamEngine, a: LiveArgs) {
  const producer = fanOut(engine, 'sensor', ['live'], a);
  const log = new MemoryLog({ maxMessages: 200_000 });
  recorded.set(engine, { log, recording: record(engine, 'sensor:out', log) });
  return [producer];
}

// Waits until the log spans the head start (checked four times a second: a few renders, not per batch).
function useHistory(log: MemoryLog): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (ready) return;
    const t = setInterval(() => {
      const b = log.bounds();
      if (b && b.last.at - b.first.at >= HEAD_START_MS) setReady(true);
    }, 250);
    return () => clearInterval(t);
  }, [log, ready]);
  return ready;
}

function Replayed(props: { log: MemoryLog; a: LiveArgs }) {
  const { viewId, replay } = useReplay({ kind: 'replay', log: props.log, speed: 1 }, { bufferSize: props.a.bufferSize });
  return (
    <div style={{ display: 'grid', gap: 4 }}>
      {viewId ? <LineChart streamId={viewId} title="Replay" width={420} height={160} updateInterval={props.a.updateInterval} /> : <p>starting the replay…</p>}
      <Timeline replay={replay} title="Replay timeline" style={{ width: 420 }} />
    </div>
  );
}

function Views(props: { engine: StreamEngine; a: LiveArgs }) {
  const { log, recording } = recorded.get(props.engine)!;
  const ready = useHistory(log);
  const w = { bufferSize: props.a.bufferSize, updateInterval: props.a.updateInterval, width: 420, height: 160 };
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'start' }}>
      <LineChart streamId="live" title="Live" {...w} />
      {ready ? (
        <>
          <Replayed log={log} a={props.a} />
          <LineChart streamId="live" title="Replay then live" source={{ kind: 'replay-then-live', log, live: recording }} {...w} />
        </>
      ) : (
        <p data-testid="recording">recording the first {HEAD_START_MS / 1000} s…</p>
      )}
    </div>
  );
}

const meta: Meta<LiveArgs> = {
  title: 'Widgets/Recording',
  parameters: {
    docs: {
      description: {
        component:
          'A live sensor recorded in the page (`record` into a `MemoryLog`). Left: the live chart. Middle: a replay of the recording in its own view, driven by the `Timeline` (play/pause, step, speed, scrub). Right: `source: { kind: \'replay-then-live\' }`: the recorded history first, then the live stream, without a gap or a duplicate. The views open once two seconds are recorded.',
      },
    },
  },
  args: { ...defaultLiveArgs, rate: 1000 },
  argTypes: liveArgTypes,
};
export default meta;

export const RecordAndReplay: StoryObj<LiveArgs> = {
  name: 'Record and replay',
  render: (a) => <LiveEngine deps={Object.values(a)} build={(engine) => build(engine, a)} view={({ engine }) => <Views engine={engine} a={a} />} />,
  play: async ({ canvasElement }) => {
    await expectLive(canvasElement, 'Live');
    await waitFor(() => expect(canvasElement.querySelector('[data-testid="recording"]')).toBeNull(), { timeout: HEAD_START_MS + 3000 });
    const replayCard = await expectLive(canvasElement, 'Replay');
    const thenLive = await expectLive(canvasElement, 'Replay then live');
    const timeline = canvasElement.querySelector('[role="group"][aria-label="Replay timeline"]')!;
    await waitFor(() => expect(timeline.getAttribute('data-status')).toBe('playing'));
    await userEvent.click(timeline.querySelector('button[aria-label="Pause"]')!);
    await waitFor(() => expect(timeline.getAttribute('data-status')).toBe('paused'));
    const seq = num(timeline, 'data-seq');
    await userEvent.click(timeline.querySelector('button[aria-label="Step one batch"]')!);
    await waitFor(() => expect(num(timeline, 'data-seq')).toBeGreaterThan(seq));
    // From seq 1 and never sought, the replay's view holds exactly `data-seq` messages once drawn.
    await waitFor(() => expect(num(replayCard, 'data-message-count')).toBe(num(timeline, 'data-seq')));
    const paused = num(replayCard, 'data-message-count');
    const live = num(thenLive, 'data-message-count');
    await waitFor(() => expect(num(thenLive, 'data-message-count')).toBeGreaterThan(live + 200), { timeout: 5000 }); // the live view goes on
    expect(num(replayCard, 'data-message-count')).toBe(paused); // the paused replay does not
    await userEvent.selectOptions(timeline.querySelector('select[aria-label="Speed"]')!, '10');
    await userEvent.click(timeline.querySelector('button[aria-label="Play"]')!);
    await waitFor(() => expect(num(replayCard, 'data-message-count')).toBeGreaterThan(paused));
  },
};
