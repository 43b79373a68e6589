// The one entry point to @peculiar/x509 for our code. The library (through tsyringe) needs a
// Reflect metadata polyfill loaded before it, and a WebCrypto provider; ESM evaluates imports in
// order, so importing from here guarantees both.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's webcrypto implements the DOM Crypto interface the library is typed against.
x509.cryptoProvider.set(webcrypto as any);

export { x509 };
