// Helpers for patching decoded JSON: patches never mutate their inputs, they copy along the path.
export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
