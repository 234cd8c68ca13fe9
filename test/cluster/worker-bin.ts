// bin/nodeflow.mjs for the process tests: the CLI compiled with src/ by the test (no dist/ needed).
import { main } from '../../src/cli.js';

process.exitCode = await main(process.argv.slice(2));
