// A child process for test/actors/engine/engine-lifetime.test.ts (compiled with src/ by the test):
// sets up every kind of pending operation on the real clock, then `stop`s or `dispose`s the
// engine, or does neither (`none`), prints one JSON line, and returns. The test's verdict is
// whether the process then EXITS by itself: only what the engine left running can keep it alive.
import { pendingEverything } from './pending-everything.js';

const how = process.argv[2];
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
const baseline = timers();
const t = await pendingEverything(undefined, (ms) => new Promise((resolve) => setTimeout(resolve, ms)));
const pending = timers();
if (how === 'stop') await t.engine.stop({ timeout: 50 });
else if (how === 'dispose') t.engine.dispose();
const after = timers();
// Held writes settle once their connection ends; if one never did, this await would leave the
// module unsettled and Node would exit with code 13 instead of 0.
if (how !== 'none') await Promise.all(t.writes);
console.log(JSON.stringify({ how, problems: t.problems, baseline, pending, after, run: t.run.status().state, state: t.engine.state, writes: t.writes.length }));
