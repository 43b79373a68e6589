import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenStore } from './token-store.ts';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-tokens-'));
  path = join(dir, 'tokens.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const admin = { username: 'admin', uid: 'admin-uid', groups: ['system:masters'] };

/** A clock the test moves by hand. */
function manualClock(start = new Date('2030-01-01T00:00:00Z')) {
  let now = start.getTime();
  return { clock: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
}

describe('TokenStore', () => {
  it('finds the user of an issued token, and keeps only its hash on disk (mode 0600)', () => {
    const store = TokenStore.open(path);
    const { token, record } = store.issue(admin, { description: 'admin kubeconfig' });
    expect(store.lookup(token)?.user).toEqual(admin);
    expect(record.expires).toBeUndefined();

    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(token);
    expect(text).toContain(record.sha256);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('keeps tokens across restarts', () => {
    const { token } = TokenStore.open(path).issue(admin);
    expect(TokenStore.open(path).lookup(token)?.user.username).toBe('admin');
  });

  it('does not know tokens it never issued, or ones that differ by a character', () => {
    const store = TokenStore.open(path);
    const { token } = store.issue(admin);
    expect(store.lookup('')).toBeUndefined();
    expect(store.lookup('nope')).toBeUndefined();
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(store.lookup(flipped)).toBeUndefined();
  });

  it('stops accepting a token when it expires or is revoked', () => {
    const time = manualClock();
    const store = TokenStore.open(path, { clock: time.clock });
    const shortLived = store.issue(admin, { ttlSeconds: 60 });
    const revoked = store.issue(admin);
    expect(shortLived.record.expires).toBe('2030-01-01T00:01:00.000Z');

    time.advance(59);
    expect(store.lookup(shortLived.token)).toBeDefined();
    time.advance(1);
    expect(store.lookup(shortLived.token)).toBeUndefined();

    expect(store.revoke(revoked.record.id)).toBe(true);
    expect(store.lookup(revoked.token)).toBeUndefined();
    expect(TokenStore.open(path).lookup(revoked.token)).toBeUndefined();
    expect(store.revoke('no-such-id')).toBe(false);

    expect(store.pruneExpired()).toBe(1);
    expect(store.list()).toEqual([]);
  });

  it('sees tokens another process added to the file', () => {
    const server = TokenStore.open(path);
    const cli = TokenStore.open(path);
    const { token } = cli.issueBootstrapToken();
    expect(server.lookup(token)).toBeDefined();
    server.issue(admin);
    expect(cli.list()).toHaveLength(2);
  });
});

describe('bootstrap tokens in the TokenStore', () => {
  it('authenticate as system:bootstrap:<id> in system:bootstrappers, for 24 hours by default', () => {
    const time = manualClock();
    const store = TokenStore.open(path, { clock: time.clock });
    const { token, record } = store.issueBootstrapToken({ description: 'node n1' });
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const [id, secret] = token.split('.');
    expect(record.id).toBe(id);
    expect(store.lookup(token)?.user).toEqual({
      username: `system:bootstrap:${id}`,
      groups: ['system:bootstrappers', 'system:bootstrappers:flotilla:default-node-token'],
    });
    expect(readFileSync(path, 'utf8')).not.toContain(secret);

    time.advance(24 * 3600);
    expect(store.lookup(token)).toBeUndefined();
  });

  it('need the right secret for the id', () => {
    const store = TokenStore.open(path);
    const { token } = store.issueBootstrapToken();
    const [id] = token.split('.');
    expect(store.lookup(`${id}.0000000000000000`)).toBeUndefined();
    expect(store.lookup(`zzzzzz.${token.split('.')[1]}`)).toBeUndefined();
  });

  it('only take extra groups under system:bootstrappers:', () => {
    const store = TokenStore.open(path);
    expect(() => store.issueBootstrapToken({ extraGroups: ['system:masters'] })).toThrow(/must start with/);
    const { token } = store.issueBootstrapToken({
      extraGroups: ['system:bootstrappers:worker'],
      ttlSeconds: 600,
    });
    expect(store.lookup(token)?.user.groups).toEqual(['system:bootstrappers', 'system:bootstrappers:worker']);
  });
  it('remember the node a token is bound to, also in another process, and after it expired', () => {
    const time = manualClock();
    const store = TokenStore.open(path, { clock: time.clock });
    const { token, record } = store.issueBootstrapToken({ nodeName: 'node-a', ttlSeconds: 60 });
    const unbound = store.issueBootstrapToken();
    const user = store.lookup(token)!.user.username;
    expect(record.nodeName).toBe('node-a');
    expect(TokenStore.open(path).bootstrapTokenNodeName(user)).toBe('node-a');
    expect(store.bootstrapTokenNodeName(store.lookup(unbound.token)!.user.username)).toBeUndefined();
    expect(store.bootstrapTokenNodeName('system:node:node-a')).toBeUndefined();
    time.advance(60);
    expect(store.lookup(token)).toBeUndefined();
    expect(store.bootstrapTokenNodeName(user)).toBe('node-a');
  });
});
