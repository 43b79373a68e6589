// createCluster() whose supervisor dies at once: the rollback removes the cluster's folder, but
// the supervisor's log is kept outside it and the error sends the user there.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { netnsSupport } from '../provision/netns/index.ts';
import { createCluster, listClusters } from './lifecycle.ts';
import { setSupervisorLauncher } from './supervisor-launcher.ts';

let home: string;
const savedHome = process.env['FLOTILLA_HOME'];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'flotilla-failed-create-'));
  process.env['FLOTILLA_HOME'] = home;
  setSupervisorLauncher({
    command: process.execPath,
    args: () => ['-e', "console.error('boom: the supervisor fell over'); process.exit(3)"],
  });
});
afterEach(() => {
  setSupervisorLauncher(undefined);
  if (savedHome === undefined) delete process.env['FLOTILLA_HOME'];
  else process.env['FLOTILLA_HOME'] = savedHome;
  rmSync(home, { recursive: true, force: true });
});

describe.skipIf(!netnsSupport().ok)('a create whose supervisor dies', () => {
  it('removes the cluster but keeps its log, and the error names that log', async () => {
    const error = (await createCluster({ name: 'doomed', provider: 'netns', nodes: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error | undefined;
    const log = join(home, 'logs', 'doomed-create.log');
    expect(error?.message).toBe(`the cluster supervisor exited early; see ${log}`);
    expect(readFileSync(log, 'utf8')).toContain('boom: the supervisor fell over');
    expect(existsSync(join(home, 'clusters', 'doomed'))).toBe(false);
    expect(await listClusters()).toEqual([]);
  });
});
