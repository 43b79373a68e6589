// The default store: SQLite through better-sqlite3 (see docs/storage.md).
import { SqliteBackend, type SqliteBackendOptions } from './backend.ts';

export { SqliteBackend, type SqliteBackendOptions, type SqliteStats } from './backend.ts';

/** A SQLite backend, not yet started (the caller runs `start()`). */
export function createSqliteBackend(options: SqliteBackendOptions): SqliteBackend {
  return new SqliteBackend(options);
}

/** A started SQLite backend: the file is open, migrated and locked for this process. */
export async function openSqliteBackend(options: SqliteBackendOptions): Promise<SqliteBackend> {
  const backend = new SqliteBackend(options);
  await backend.start();
  return backend;
}
