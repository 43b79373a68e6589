// Certificate subjects as Kubernetes reads them: CN is the user name, each O is a group
// (CN=admin O=system:masters; CN=system:node:n1 O=system:nodes).
import { x509 } from './x509.ts';

export interface CertificateSubject {
  commonName: string;
  organizations?: string[];
}

/** The subject as an ASN.1-ready name; values are UTF-8 strings, so ':' and ',' need no escaping. */
export function toX509Name(subject: CertificateSubject): x509.JsonName {
  const name: x509.JsonName = [];
  const organizations = subject.organizations ?? [];
  if (organizations.length > 0) name.push({ O: [...organizations] });
  name.push({ CN: [subject.commonName] });
  return name;
}

/** Reads CN (first one) and every O from a parsed name. */
export function fromX509Name(name: x509.Name): CertificateSubject {
  return { commonName: name.getField('CN')[0] ?? '', organizations: name.getField('O') };
}

export function sameSubject(a: CertificateSubject, b: CertificateSubject): boolean {
  const orgsA = [...(a.organizations ?? [])].sort();
  const orgsB = [...(b.organizations ?? [])].sort();
  return (
    a.commonName === b.commonName && orgsA.length === orgsB.length && orgsA.every((o, i) => o === orgsB[i])
  );
}
