// Client certificate -> user (upstream's x509 authenticator): the certificate must chain to our
// CA, be valid now and be meant for client authentication; CN is the user name, each O a group.
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { verifyClientCertificate, type CertificateCheck } from '../pki/verify.ts';
import { withAuthenticatedGroup, type UserInfo } from './user-info.ts';

export type PeerCertificate = TLSSocket | X509Certificate | string | Uint8Array | undefined;

export class CertAuthenticator {
  private readonly ca: X509Certificate;

  constructor(
    caCertPem: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.ca = new X509Certificate(caCertPem);
  }

  /** The user of the presented certificate, or undefined when there is none or it does not verify. */
  authenticate(peer: PeerCertificate): UserInfo | undefined {
    const check = this.check(peer);
    if (!check?.ok) return undefined;
    return withAuthenticatedGroup({
      username: check.subject.commonName,
      groups: check.subject.organizations ?? [],
    });
  }

  /** The verification result with its reason (for logs); undefined when no certificate was presented. */
  check(peer: PeerCertificate): CertificateCheck | undefined {
    const cert = isTlsSocket(peer) ? peer.getPeerX509Certificate() : peer;
    if (cert === undefined) return undefined;
    return verifyClientCertificate(this.ca, cert, this.clock());
  }
}

function isTlsSocket(peer: PeerCertificate): peer is TLSSocket {
  return typeof (peer as TLSSocket | undefined)?.getPeerX509Certificate === 'function';
}
