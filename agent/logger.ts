// The agent's log: one line per event on stderr (journald adds the time on a node), with the
// object references as key=value fields (`pod=default/web`), info included: unlike the API
// client's internals, what the kubelet does is what a node's operator wants to read.
import type { LogFields, Logger } from '../api/client/index.ts';

function line(level: string, msg: string, fields?: LogFields): string {
  const rest = Object.entries(fields ?? {})
    .map(([k, v]) => `${k}=${v instanceof Error ? v.message : String(v)}`)
    .join(' ');
  return `${new Date().toISOString()} ${level} ${msg}${rest ? ` ${rest}` : ''}\n`;
}

export const agentLogger: Logger = {
  info: (msg, fields) => process.stderr.write(line('I', msg, fields)),
  warn: (msg, fields) => process.stderr.write(line('W', msg, fields)),
  error: (msg, fields) => process.stderr.write(line('E', msg, fields)),
};
