// Child process of the conformance crash test: writes as fast as it can, with compaction and
// checkpoints running, and prints one line per acknowledged (promise-resolved) write:
//   ack create KEY REVISION | ack update KEY REVISION | ack delete KEY REVISION
// The test kill -9's it mid-load and checks that every acknowledged write survived.
// Usage: node --import tsx conformance-writer.ts FACTORY_MODULE DIR
import { pathToFileURL } from 'node:url';
import type { BackendFactory } from './conformance.ts';

const [factoryModule, dir] = process.argv.slice(2);
const { backendFactory } = (await import(pathToFileURL(factoryModule).href)) as {
  backendFactory: BackendFactory;
};
const backend = backendFactory.open(dir, { compactIntervalMs: 20, compactRetain: 200 });
await backend.start();

const WRITERS = 16;
const encode = (text: string) => new TextEncoder().encode(text);
// Pipes are written synchronously on Linux: once a line is written it is the parent's.
const ack = (op: string, key: string, revision: number) =>
  process.stdout.write(`ack ${op} ${key} ${revision}\n`);

let next = 0;
async function writer(id: number): Promise<never> {
  const churnKey = `/churn/${id}`;
  let churnRevision = (await backend.create(churnKey, encode('0'))).revision;
  for (;;) {
    const n = next++;
    const key = `/crash/${n}`;
    ack('create', key, (await backend.create(key, encode(`value-${n}`))).revision);
    if (n % 2 === 0) {
      const updated = await backend.update(churnKey, encode(String(n)), churnRevision);
      if (!updated.succeeded) throw new Error(`lost my own CAS on ${churnKey}`);
      churnRevision = updated.revision;
      ack('update', churnKey, updated.revision);
    }
    if (n % 3 === 0) {
      const tmp = `/tmp/${n}`;
      await backend.create(tmp, encode('short-lived'));
      ack('delete', tmp, (await backend.delete(tmp)).revision);
    }
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: WRITERS }, (_, id) => writer(id)));
