// The small logging surface the client needs; pass the component's logger (with its own
// context fields) or use the console one. Fields carry object references: { resource: 'pods' }.

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const format = (msg: string, fields?: LogFields) =>
  fields
    ? `${msg} ${Object.entries(fields)
        .map(([k, v]) => `${k}=${v instanceof Error ? v.message : String(v)}`)
        .join(' ')}`
    : msg;

/** Warnings and errors to stderr; info is dropped (client internals are chatty). */
export const consoleLogger: Logger = {
  info: () => {},
  warn: (msg, fields) => console.warn(format(msg, fields)),
  error: (msg, fields) => console.error(format(msg, fields)),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
