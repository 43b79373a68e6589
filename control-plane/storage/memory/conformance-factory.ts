// How the storage conformance suite opens memory backends (the data dir is unused: nothing persists).
import { fileURLToPath } from 'node:url';
import type { BackendFactory } from '../conformance.ts';
import { createMemoryBackend } from './memory-backend.ts';

export const backendFactory: BackendFactory = {
  open: (_dir, opts = {}) => createMemoryBackend(opts),
  module: fileURLToPath(import.meta.url),
  durable: false,
};
