#!/usr/bin/env node
// Benchmark runner: `npm run bench -- NAME` runs bench/NAME.bench.ts, whose default export is
// an async function returning `{ summary, ...results }`; the results go to
// bench/results/NAME.json and the one-line summary to stdout.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length));

const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ') || 'none yet'})`);
  process.exit(2);
}

const { default: bench } = await import(pathToFileURL(join(here, `${name}.bench.ts`)).href);
const started = new Date();
const { summary, ...results } = await bench();
const record = {
  name,
  summary,
  startedAt: started.toISOString(),
  seconds: Math.round((Date.now() - started.getTime()) / 100) / 10,
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  },
  results,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', `${name}.json`), JSON.stringify(record, null, 2) + '\n');
console.log(`${name}: ${summary}`);
