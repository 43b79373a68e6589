// The memory backend against the storage conformance suite every backend runs; it keeps
// nothing across close(), so the restart and crash cases are skipped.
import { runBackendConformance } from '../conformance.ts';
import { backendFactory } from './conformance-factory.ts';

runBackendConformance('memory', backendFactory);
