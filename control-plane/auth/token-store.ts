// Tokens the API server accepts, persisted in <dataDir>/tokens.json (mode 0600). Only SHA-256
// digests are written, so the plaintext of a token exists only in the answer to issue() and in
// whatever kubeconfig or node config it was handed to. The file is re-read when another process
// (e.g. `flotilla node add` next to a running `flotilla serve`) has changed it.
import { statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { readTextIfExists, writePrivateFile } from '../pki/files.ts';
import {
  BOOTSTRAP_USER_PREFIX,
  bootstrapUsername,
  DEFAULT_BOOTSTRAP_TTL_SECONDS,
  DEFAULT_NODE_TOKEN_GROUP,
  formatBootstrapToken,
  generateBootstrapToken,
  parseBootstrapToken,
} from './bootstrap-token.ts';
import { digestsEqual, generateToken, sha256Hex } from './token.ts';
import { BOOTSTRAPPERS_GROUP, type UserInfo } from './user-info.ts';

export type TokenKind = 'bearer' | 'bootstrap';

export interface TokenRecord {
  /** Public name of the token: the bootstrap token id, or a random id for bearer tokens. */
  id: string;
  kind: TokenKind;
  /** SHA-256 (hex) of the whole bearer token, or of a bootstrap token's secret part. */
  sha256: string;
  user: UserInfo;
  /** RFC 3339; absent = never expires. */
  expires?: string;
  created: string;
  /** A bootstrap token bound to one node: its CSR for any other node name is not auto-approved. */
  nodeName?: string;
  description?: string;
}

interface TokenFile {
  version: 1;
  tokens: TokenRecord[];
}

export interface IssueTokenOptions {
  /** Lifetime; absent = never expires. */
  ttlSeconds?: number;
  description?: string;
}

export interface IssueBootstrapTokenOptions {
  /** Defaults to 24 hours, as kubeadm's. */
  ttlSeconds?: number;
  /** Extra groups, each must start with "system:bootstrappers:" (upstream's rule). */
  extraGroups?: string[];
  description?: string;
  /** The one node this token may join as (see csr-approving.ts). */
  nodeName?: string;
}

export interface IssuedToken {
  /** The secret to hand out; it is not stored and cannot be recovered. */
  token: string;
  record: TokenRecord;
}

export class TokenStore {
  private byDigest = new Map<string, TokenRecord>();
  private byBootstrapId = new Map<string, TokenRecord>();
  private records: TokenRecord[] = [];
  private loadedStamp = '';

  private constructor(
    readonly path: string,
    private readonly clock: () => Date,
  ) {}

  /** Opens (or starts) the store at `path`; the file is created on the first write. */
  static open(path: string, opts: { clock?: () => Date } = {}): TokenStore {
    const store = new TokenStore(path, opts.clock ?? (() => new Date()));
    store.reloadIfChanged();
    return store;
  }

  /** A new bearer token for `user`. */
  issue(user: UserInfo, opts: IssueTokenOptions = {}): IssuedToken {
    const token = generateToken();
    const record = this.newRecord('bearer', randomBytes(6).toString('hex'), sha256Hex(token), user, opts);
    this.mutate((records) => [...records, record]);
    return { token, record };
  }

  /** A short-lived bootstrap token: system:bootstrap:<id> in system:bootstrappers (+ extra groups). */
  issueBootstrapToken(opts: IssueBootstrapTokenOptions = {}): IssuedToken {
    const extraGroups = opts.extraGroups ?? [DEFAULT_NODE_TOKEN_GROUP];
    const bad = extraGroups.find((g) => !g.startsWith(`${BOOTSTRAPPERS_GROUP}:`));
    if (bad)
      throw new Error(
        `bootstrap token group ${JSON.stringify(bad)} must start with "${BOOTSTRAPPERS_GROUP}:"`,
      );
    this.reloadIfChanged();
    let token = generateBootstrapToken();
    while (this.byBootstrapId.has(token.id)) token = generateBootstrapToken();
    const user = { username: bootstrapUsername(token.id), groups: [BOOTSTRAPPERS_GROUP, ...extraGroups] };
    const record = this.newRecord('bootstrap', token.id, sha256Hex(token.secret), user, {
      ttlSeconds: opts.ttlSeconds ?? DEFAULT_BOOTSTRAP_TTL_SECONDS,
      description: opts.description,
    });
    if (opts.nodeName) record.nodeName = opts.nodeName;
    this.mutate((records) => [...records, record]);
    return { token: formatBootstrapToken(token), record };
  }

  /**
   * The node a bootstrap user (`system:bootstrap:<id>`) was issued for, if its token is bound to
   * one. Expired tokens still answer: the CSR was made while the token was valid.
   */
  bootstrapTokenNodeName(username: string): string | undefined {
    if (!username.startsWith(BOOTSTRAP_USER_PREFIX)) return undefined;
    this.reloadIfChanged();
    return this.byBootstrapId.get(username.slice(BOOTSTRAP_USER_PREFIX.length))?.nodeName;
  }

  /** The unexpired record a presented token belongs to, if any. */
  lookup(token: string): TokenRecord | undefined {
    this.reloadIfChanged();
    const bootstrap = parseBootstrapToken(token);
    let record: TokenRecord | undefined;
    if (bootstrap) {
      // The id is public; only the secret is compared, in constant time.
      const candidate = this.byBootstrapId.get(bootstrap.id);
      if (candidate && digestsEqual(candidate.sha256, sha256Hex(bootstrap.secret))) record = candidate;
    } else {
      // Looking up by digest leaks nothing useful through timing: learning how much of a
      // SHA-256 matches does not help anyone find a token that produces it.
      const digest = sha256Hex(token);
      const candidate = this.byDigest.get(digest);
      if (candidate && digestsEqual(candidate.sha256, digest)) record = candidate;
    }
    return record && !this.isExpired(record) ? record : undefined;
  }

  list(): TokenRecord[] {
    this.reloadIfChanged();
    return this.records.map((r) => structuredClone(r));
  }

  /** Removes a token by id; false if there was none. */
  revoke(id: string): boolean {
    this.reloadIfChanged();
    if (!this.records.some((r) => r.id === id)) return false;
    this.mutate((records) => records.filter((r) => r.id !== id));
    return true;
  }

  /** Drops expired tokens from the file; returns how many. */
  pruneExpired(): number {
    this.reloadIfChanged();
    const expired = this.records.filter((r) => this.isExpired(r)).length;
    if (expired > 0) this.mutate((records) => records.filter((r) => !this.isExpired(r)));
    return expired;
  }

  private isExpired(record: TokenRecord): boolean {
    return record.expires !== undefined && Date.parse(record.expires) <= this.clock().getTime();
  }

  private newRecord(
    kind: TokenKind,
    id: string,
    sha256: string,
    user: UserInfo,
    opts: IssueTokenOptions,
  ): TokenRecord {
    const now = this.clock();
    const record: TokenRecord = { id, kind, sha256, user: structuredClone(user), created: now.toISOString() };
    if (opts.ttlSeconds !== undefined)
      record.expires = new Date(now.getTime() + opts.ttlSeconds * 1000).toISOString();
    if (opts.description) record.description = opts.description;
    return record;
  }

  private mutate(change: (records: TokenRecord[]) => TokenRecord[]): void {
    this.reloadIfChanged();
    const file: TokenFile = { version: 1, tokens: change(this.records) };
    writePrivateFile(this.path, JSON.stringify(file, null, 2) + '\n');
    this.index(file.tokens);
    this.loadedStamp = this.stamp();
  }

  private reloadIfChanged(): void {
    const stamp = this.stamp();
    if (stamp === this.loadedStamp) return;
    const text = readTextIfExists(this.path);
    const file = text === undefined ? { version: 1, tokens: [] } : (JSON.parse(text) as TokenFile);
    if (!Array.isArray(file.tokens)) throw new Error(`${this.path}: expected {"tokens": [...]}`);
    this.index(file.tokens);
    this.loadedStamp = stamp;
  }

  /** Identifies a version of the file; atomic rewrites always change the inode. */
  private stamp(): string {
    try {
      const st = statSync(this.path, { bigint: true });
      return `${st.ino}:${st.mtimeNs}:${st.size}`;
    } catch {
      return 'absent';
    }
  }

  private index(records: TokenRecord[]): void {
    this.records = records;
    this.byDigest = new Map(records.filter((r) => r.kind === 'bearer').map((r) => [r.sha256, r]));
    this.byBootstrapId = new Map(records.filter((r) => r.kind === 'bootstrap').map((r) => [r.id, r]));
  }
}
