#!/usr/bin/env node
// The `flotilla` command. Sources are TypeScript; tsx compiles them on load so the CLI,
// the tests and the benchmarks run exactly the code in the tree, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main(process.argv);
