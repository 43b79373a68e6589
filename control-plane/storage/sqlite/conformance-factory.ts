// How the conformance suite (and its crash-test child process) opens SQLite backends.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendFactory } from '../conformance.ts';
import { SqliteBackend } from './backend.ts';
import { openDatabase } from './schema.ts';

const file = (dir: string) => join(dir, 'store.db');

export const backendFactory: BackendFactory = {
  open: (dir, opts = {}) => new SqliteBackend({ path: file(dir), ...opts }),
  async checkIntegrity(dir) {
    const db = openDatabase(file(dir));
    try {
      const rows = db.pragma('integrity_check') as { integrity_check: string }[];
      return rows.map((row) => row.integrity_check).filter((line) => line !== 'ok');
    } finally {
      db.close();
    }
  },
  module: fileURLToPath(import.meta.url),
};
