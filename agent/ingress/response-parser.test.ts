import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseParser, type ResponseHead } from './response-parser.ts';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  ended: boolean;
  parser: ResponseParser;
}

/** Feeds the response in the given pieces (a backend's bytes arrive split anywhere). */
function parse(pieces: string[], opts: { head?: boolean; close?: boolean } = {}): Parsed {
  const out: Parsed = { heads: [], body: '', ended: false, parser: undefined! };
  out.parser = new ResponseParser(
    {
      onHead: (h) => out.heads.push(h),
      onData: (c) => (out.body += c.toString('latin1')),
      onEnd: () => (out.ended = true),
    },
    opts.head,
  );
  for (const p of pieces) out.parser.feed(Buffer.from(p, 'latin1'));
  if (opts.close) out.parser.end();
  return out;
}

/** Every way of cutting the text in up to four pieces gives the same answer. */
function splits(text: string) {
  return fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, text.length - 1) }), { maxLength: 3 })
    .map((cuts) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      return [0, ...sorted].map((from, i) => text.slice(from, sorted[i] ?? text.length));
    });
}

describe('backend response parser', () => {
  it('reads a Content-Length body, however the bytes are split, and keeps the connection', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello';
    fc.assert(
      fc.property(splits(text), (pieces) => {
        const r = parse(pieces);
        expect(r.heads).toEqual([
          {
            status: 200,
            statusMessage: 'OK',
            headers: ['Content-Length', '5', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'],
          },
        ]);
        expect(r.body).toBe('hello');
        expect(r.ended).toBe(true);
        expect(r.parser.reusable).toBe(true);
      }),
    );
  });

  it('decodes chunked bodies with extensions and trailers, however the bytes are split', () => {
    const text =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n';
    fc.assert(
      fc.property(splits(text), (pieces) => {
        const r = parse(pieces);
        expect(r.body).toBe('hello, world');
        expect(r.ended).toBe(true);
        expect(r.parser.reusable).toBe(true);
      }),
    );
  });

  it('reads a body without length until the connection closes, and does not reuse it', () => {
    const r = parse(['HTTP/1.1 200 OK\r\n\r\nsome', ' stream']);
    expect(r.ended).toBe(false);
    r.parser.end();
    expect(r.body).toBe('some stream');
    expect(r.ended).toBe(true);
    expect(r.parser.reusable).toBe(false);
  });

  it('knows that HEAD, 204 and 304 answers have no body', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'], { head: true }).ended).toBe(true);
    expect(parse(['HTTP/1.1 204 No Content\r\n\r\n']).ended).toBe(true);
    expect(parse(['HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n']).parser.reusable).toBe(true);
  });

  it('skips interim 1xx answers', () => {
    const r = parse([
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n',
      'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok',
    ]);
    expect(r.heads.map((h) => h.status)).toEqual([201]);
    expect(r.body).toBe('ok');
  });

  it('closes the connection after Connection: close, HTTP/1.0, or both framings at once', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n']).parser.reusable).toBe(
      false,
    );
    expect(parse(['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n']).parser.reusable).toBe(false);
    expect(
      parse(['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n']).parser.reusable,
    ).toBe(true);
    const both = parse([
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    ]);
    expect(both.body).toBe('ok');
    expect(both.parser.reusable).toBe(false);
  });

  it.each([
    ['a malformed status line', 'HTTP/2 200 OK\r\n\r\n'],
    ['a header without a name', 'HTTP/1.1 200 OK\r\n: x\r\n\r\n'],
    ['obsolete line folding', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\r\n'],
    ['conflicting lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'],
    ['a length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['bytes after the answer', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab'],
    ['a 101 to a plain request', 'HTTP/1.1 101 Switching Protocols\r\n\r\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parse([text])).toThrow();
  });

  it('rejects an answer cut short, and a head that never ends', () => {
    expect(() => parse(['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel'], { close: true })).toThrow(
      /closed/,
    );
    expect(() => parse([`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`])).toThrow(/too long/);
  });
});
