// The store seen from above: the Backend contract, its named errors, and the default backend.
export type * from './types.ts';
export * from './errors.ts';
export {
  createSqliteBackend,
  openSqliteBackend,
  SqliteBackend,
  type SqliteBackendOptions,
  type SqliteStats,
} from './sqlite/index.ts';
