// `nodeflow worker` for bench/cluster.ts: the CLI compiled with src/ into .run/ (no dist/ needed),
// as test/cluster/worker-bin.ts is for the process tests.
import { main } from '../src/cli.js';

process.exitCode = await main(process.argv.slice(2));
