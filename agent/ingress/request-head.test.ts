// The lean path's request-head parser: what it serves, what it leaves to node:http, and the
// shapes it must refuse because a backend could read them as a different request (smuggling).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestHead } from './request-head.ts';

const head = (...lines: string[]) => parseRequestHead(lines.join('\r\n'));

describe('request head parser', () => {
  it('serves an HTTP/1.1 GET, keeping header spelling, order and repeats', () => {
    const parsed = head(
      'GET /a?x=1 HTTP/1.1',
      'Host: shop.test',
      'Accept: a',
      'accept:b',
      'X-Forwarded-For: 203.0.113.7',
      'x-forwarded-for: 10.0.0.1',
      'Connection: keep-alive',
    );
    expect(parsed).toEqual({
      kind: 'request',
      head: {
        method: 'GET',
        url: '/a?x=1',
        rawHeaders: [
          'Host',
          'shop.test',
          'Accept',
          'a',
          'accept',
          'b',
          'X-Forwarded-For',
          '203.0.113.7',
          'x-forwarded-for',
          '10.0.0.1',
          'Connection',
          'keep-alive',
        ],
        headers: {
          host: 'shop.test',
          connection: 'keep-alive',
          'x-forwarded-for': '203.0.113.7, 10.0.0.1',
        },
        contentLength: 0,
        close: false,
      },
    });
  });

  it('reads a Content-Length body size and Connection: close', () => {
    const parsed = head('POST /up HTTP/1.1', 'Host: h', 'Content-Length: 42', 'Connection: close');
    expect(parsed).toMatchObject({ kind: 'request', head: { contentLength: 42, close: true } });
  });

  it('trims spaces and tabs around values but keeps obs-text bytes', () => {
    const parsed = head('GET / HTTP/1.1', 'Host: \t h \t', 'X-Name: caf\xe9');
    expect(parsed).toMatchObject({
      kind: 'request',
      head: { rawHeaders: ['Host', 'h', 'X-Name', 'caf\xe9'] },
    });
  });

  it.each([
    ['HTTP/1.0', ['GET / HTTP/1.0', 'Host: h']],
    ['chunked uploads', ['POST / HTTP/1.1', 'Host: h', 'Transfer-Encoding: chunked']],
    ['codings ending in chunked', ['POST / HTTP/1.1', 'Host: h', 'Transfer-Encoding: gzip, chunked']],
    ['WebSocket upgrades', ['GET /ws HTTP/1.1', 'Host: h', 'Connection: Upgrade', 'Upgrade: websocket']],
    ['Expect: 100-continue', ['PUT / HTTP/1.1', 'Host: h', 'Content-Length: 5', 'Expect: 100-continue']],
    ['absolute-form targets', ['GET http://h/ HTTP/1.1', 'Host: h']],
    ['OPTIONS *', ['OPTIONS * HTTP/1.1', 'Host: h']],
  ])('leaves %s to node:http', (_what, lines) => {
    expect(head(...lines).kind).toBe('fallback');
  });

  it.each([
    [
      'Content-Length with Transfer-Encoding',
      ['POST / HTTP/1.1', 'Host: h', 'Content-Length: 5', 'Transfer-Encoding: chunked'],
    ],
    [
      'Transfer-Encoding with Content-Length',
      ['POST / HTTP/1.1', 'Host: h', 'Transfer-Encoding: chunked', 'Content-Length: 5'],
    ],
    ['two Content-Lengths', ['POST / HTTP/1.1', 'Host: h', 'Content-Length: 5', 'Content-Length: 5']],
    ['a Content-Length list', ['POST / HTTP/1.1', 'Host: h', 'Content-Length: 5, 5']],
    ['a signed Content-Length', ['POST / HTTP/1.1', 'Host: h', 'Content-Length: +5']],
    ['a hex Content-Length', ['POST / HTTP/1.1', 'Host: h', 'Content-Length: 0x5']],
    ['an empty Content-Length', ['POST / HTTP/1.1', 'Host: h', 'Content-Length:']],
    ['whitespace before the colon', ['POST / HTTP/1.1', 'Host: h', 'Content-Length : 5']],
    ['obsolete line folding', ['GET / HTTP/1.1', 'Host: h', 'X-A: 1', ' folded']],
    ['a tab-folded line', ['GET / HTTP/1.1', 'Host: h', 'X-A: 1', '\tfolded']],
    ['a bare LF inside a value', ['GET / HTTP/1.1', 'Host: h', 'X-A: 1\nContent-Length: 5']],
    ['a bare CR inside a value', ['GET / HTTP/1.1', 'Host: h', 'X-A: 1\rx']],
    ['a NUL in a value', ['GET / HTTP/1.1', 'Host: h', 'X-A: a\0b']],
    ['a line without a colon', ['GET / HTTP/1.1', 'Host: h', 'garbage']],
    ['an empty header name', ['GET / HTTP/1.1', 'Host: h', ': v']],
    ['two Host headers', ['GET / HTTP/1.1', 'Host: a', 'Host: b']],
    ['no Host header', ['GET / HTTP/1.1', 'Accept: a']],
    ['a space in the target', ['GET /a b HTTP/1.1', 'Host: h']],
    ['a control byte in the target', ['GET /a\x01 HTTP/1.1', 'Host: h']],
    ['a bad method', ['G(T / HTTP/1.1', 'Host: h']],
    ['HTTP/2 on this port', ['GET / HTTP/2.0', 'Host: h']],
    ['a lowercase version', ['GET / http/1.1', 'Host: h']],
    ['two spaces in the request line', ['GET  / HTTP/1.1', 'Host: h']],
    ['a request line without a version', ['GET /', 'Host: h']],
  ])('answers 400 to %s', (_what, lines) => {
    expect(head(...lines)).toMatchObject({ kind: 'error', status: 400 });
  });

  it('answers 501 to a body coding that does not end in chunked', () => {
    expect(head('POST / HTTP/1.1', 'Host: h', 'Transfer-Encoding: chunked, gzip')).toMatchObject({
      kind: 'error',
      status: 501,
    });
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const parsed = parseRequestHead(text);
        expect(['request', 'fallback', 'error']).toContain(parsed.kind);
      }),
      { numRuns: 1000 },
    );
  });

  it('never serves a request with a stray byte: a head with one byte changed is refused or still well-formed', () => {
    const valid = 'POST /app/x?q=1 HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 12\r\nX-Token: a b\tc';
    fc.assert(
      fc.property(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const parsed = parseRequestHead(valid.slice(0, at) + String.fromCharCode(byte) + valid.slice(at + 1));
        if (parsed.kind !== 'request') return;
        const { url, rawHeaders, contentLength } = parsed.head;
        expect(url).toMatch(/^\/[\x21-\x7e\x80-\xff]*$/);
        const control = (c: number) => (c < 32 && c !== 9) || c === 127;
        for (const field of rawHeaders)
          expect([...field].some((ch) => control(ch.charCodeAt(0)))).toBe(false);
        expect(Number.isInteger(contentLength)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never serves a request with two body framings or a malformed length, however spelled', () => {
    const spelled = (name: string) =>
      fc.constantFrom(name, name.toUpperCase(), name[0]!.toUpperCase() + name.slice(1));
    const length = fc.oneof(
      fc.nat({ max: 1_000_000 }).map(String),
      fc.constantFrom('-1', '1.5', '1e3', ' 5 5', '5,5', '0x10', ''),
    );
    fc.assert(
      fc.property(
        spelled('content-length'),
        length,
        spelled('transfer-encoding'),
        fc.constantFrom('chunked', 'identity', 'gzip, chunked', 'chunked, gzip'),
        fc.boolean(),
        (cl, len, te, coding, withTe) => {
          const lines = ['POST /x HTTP/1.1', 'Host: h', `${cl}: ${len}`];
          if (withTe) lines.push(`${te}: ${coding}`);
          const parsed = head(...lines);
          if (withTe) expect(parsed.kind).toBe('error');
          else if (parsed.kind === 'request')
            expect(String(parsed.head.contentLength)).toBe(len.replace(/^0+(?=\d)/, ''));
          else expect(parsed).toMatchObject({ kind: 'error', status: 400 });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('serves every well-formed head it is given, with the headers as sent', () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
    const value = fc.stringMatching(/^[!-~]([ !-~]{0,30}[!-~])?$/);
    const ordinary = token.filter(
      (n) =>
        !['host', 'content-length', 'transfer-encoding', 'upgrade', 'expect', 'connection'].includes(
          n.toLowerCase(),
        ),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH'),
        fc.stringMatching(/^\/[!-~]{0,40}$/),
        fc.array(fc.tuple(ordinary, value), { maxLength: 8 }),
        (method, url, fields) => {
          const lines = [`${method} ${url} HTTP/1.1`, 'Host: h', ...fields.map(([n, v]) => `${n}: ${v}`)];
          const parsed = head(...lines);
          expect(parsed.kind).toBe('request');
          if (parsed.kind !== 'request') return;
          expect(parsed.head.url).toBe(url);
          expect(parsed.head.rawHeaders).toEqual(['Host', 'h', ...fields.flat()]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
