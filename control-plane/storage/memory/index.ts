export { createMemoryBackend, type MemoryBackendOptions } from './memory-backend.ts';
