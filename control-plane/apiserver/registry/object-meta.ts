// Server-owned metadata: timestamps, uids, generated names. The clock is injectable so tests
// can check graceful deletion deadlines.
import { randomInt, randomUUID } from 'node:crypto';
import type { KubeObject } from './types.ts';

export type Clock = () => Date;

/** RFC 3339 with seconds, like metav1.Time: `2026-01-01T00:00:00Z`. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function addSeconds(timestamp: string, seconds: number): string {
  return rfc3339(new Date(Date.parse(timestamp) + seconds * 1000));
}

// Upstream's names.SimpleNameGenerator: no vowels (no words), no look-alike characters.
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
const randomLength = 5;
const maxNameLength = 63;
const maxGeneratedPrefix = maxNameLength - randomLength;

export function generateName(base: string): string {
  let suffix = '';
  for (let i = 0; i < randomLength; i++) suffix += alphabet[randomInt(alphabet.length)];
  return base.slice(0, maxGeneratedPrefix) + suffix;
}

export const newUID = (): string => randomUUID();

export function metadataOf(obj: KubeObject): Record<string, any> {
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))
    obj.metadata = {};
  return obj.metadata;
}

export const finalizersOf = (obj: KubeObject): string[] =>
  Array.isArray(obj.metadata?.finalizers) ? obj.metadata!.finalizers : [];

export const isTerminating = (obj: KubeObject): boolean => Boolean(obj.metadata?.deletionTimestamp);
