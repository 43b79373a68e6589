// A bounded map whose entries expire: the authenticator remembers verified tokens and client
// certificates for a while. When full it starts over rather than tracking use: it only saves
// work, and a clean slate is rebuilt by the next requests.
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(private readonly max: number) {}

  /** The entry for `key` if it has not expired by `now` (ms since the epoch). */
  get(key: string, now = Date.now()): { value: V } | undefined {
    const entry = this.entries.get(key);
    return entry && entry.until > now ? entry : undefined;
  }

  set(key: string, value: V, until: number): void {
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, { value, until });
  }
}
