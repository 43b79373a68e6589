// One request as the handlers see it, after routing, authentication and authorization.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UserInfo } from '../registry/types.ts';
import type { Query } from '../query.ts';

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  auditId: string;
  /** URL path without the query string. */
  path: string;
  query: Query;
  user: UserInfo;
  pretty: boolean;
  /** Request body limit in bytes. */
  maxBodyBytes: number;
  log: (msg: string, err?: unknown) => void;
  /** Set for an HTTP upgrade (exec, attach, port-forward): the raw connection to take over. */
  upgrade?: { socket: Duplex; head: Buffer };
}
