// Opening the SQLite file: durability settings, the single-writer lock and the schema.
// The log table is kine's idea: one row per write, the row id *is* the revision.
import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- the revision; AUTOINCREMENT never hands an id out twice,
                                          -- even after compaction removed the newest rows
    name TEXT NOT NULL,                   -- the key
    created INTEGER NOT NULL,             -- 1: this row created the key
    deleted INTEGER NOT NULL,             -- 1: tombstone; its value is the previous row's
    create_revision INTEGER NOT NULL,
    prev_revision INTEGER NOT NULL,       -- the row this one supersedes (0 for a create)
    value BLOB NOT NULL
  );
  CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id);
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

/** Opens (creating if needed) the store at `path`, holding it exclusively until closed. */
export function openDatabase(path: string): Db {
  // timeout 0: a second process must fail now, not hang in the busy handler.
  const db = new Database(path, { timeout: 0 });
  try {
    configure(db);
    migrate(db);
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error(`store ${path} is in use by another process`, { cause: err });
    }
    throw err;
  }
  return db;
}

function configure(db: Db): void {
  // One process owns the store (revision counter and watchers live in its memory). The exclusive
  // lock makes a second opener fail fast, and keeps the WAL index in heap memory (no -shm file).
  db.pragma('locking_mode = EXCLUSIVE');
  // Only effective on a new file: lets compaction hand freed pages back in small steps.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  // FULL: every COMMIT fsyncs the WAL, so an acknowledged write survives power loss.
  db.pragma('synchronous = FULL');
  // macOS: plain fsync() does not flush the drive's cache; F_FULLFSYNC does. (No-op elsewhere.)
  db.pragma('fullfsync = ON');
  db.pragma('checkpoint_fullfsync = ON');
  // We checkpoint ourselves, passively and often, so no commit pays for a big checkpoint.
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('journal_size_limit = 16777216');
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = MEMORY');
}

function migrate(db: Db): void {
  db.exec(SCHEMA);
  // Like etcd (and kine), an empty store is at revision 1, so the first write is revision 2 and
  // no object ever has resourceVersion "0", which Kubernetes reads as "any version".
  db.prepare(
    `INSERT INTO sqlite_sequence (name, seq) SELECT 'log', 1
              WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'log')`,
  ).run();
  db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING`).run(
    SCHEMA_VERSION,
  );
  const version = readMeta(db, 'schema_version');
  if (version !== SCHEMA_VERSION) throw new Error(`unsupported store schema version ${version}`);
}

export function readMeta(db: Db, key: string): number {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: number } | undefined;
  return row?.value ?? 0;
}

/** The last revision ever handed out (survives compaction of the newest rows). */
export function readRevision(db: Db): number {
  const row = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'log'`).get() as
    { seq: number } | undefined;
  return row?.seq ?? 0;
}
