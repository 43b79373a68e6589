// CertificateSigningRequest validation, in the lines upstream's API server prints.
import { describe, expect, it } from 'vitest';
import { validObjects } from '../testing/fixtures.ts';
import { formatFieldError } from './format.ts';
import { validateCertificateSigningRequest } from './certificate-signing-request.ts';

const key = 'certificates.k8s.io/CertificateSigningRequest';
const errorsOf = (obj: any, old?: any) => validateCertificateSigningRequest(obj, old).map(formatFieldError);
const csr = (change: (o: any) => void = () => {}) => {
  const o: any = validObjects[key]!();
  change(o);
  return o;
};
const cond = (type: string, status = 'True') => ({ type, status });

describe('CertificateSigningRequest validation', () => {
  it('accepts the fixture', () => {
    expect(errorsOf(csr())).toEqual([]);
  });

  it('needs a PEM certificate request, a signer of the form domain/path, known usages and 10 minutes at least', () => {
    expect(
      errorsOf(
        csr((o) => {
          o.spec.request = Buffer.from('hello').toString('base64');
          o.spec.signerName = 'no-slash';
          o.spec.usages = ['client auth', 'flying', 'client auth'];
          o.spec.expirationSeconds = 599;
        }),
      ),
    ).toEqual([
      'spec.request: Invalid value: "<omitted>": invalid certificate request: PEM block type must be CERTIFICATE REQUEST',
      'spec.signerName: Invalid value: "no-slash": must be a fully qualified domain and path of the form \'example.com/signer-name\'',
      expect.stringMatching(/^spec\.usages\[1\]: Unsupported value: "flying": supported values: "signing", /),
      'spec.usages[2]: Duplicate value: "client auth"',
      'spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)',
    ]);
    expect(errorsOf(csr((o) => (o.spec = { signerName: 'a.io/b' })))).toEqual([
      'spec.request: Required value',
      'spec.usages: Required value',
    ]);
  });

  it('keeps decisions exclusive, single and True, and a certificate only for approved requests', () => {
    expect(errorsOf(csr((o) => (o.status = { conditions: [cond('Approved'), cond('Denied')] })))).toEqual([
      expect.stringMatching(
        /^status\.conditions: Invalid value: .*: Approved and Denied conditions are mutually exclusive$/,
      ),
    ]);
    expect(errorsOf(csr((o) => (o.status = { conditions: [cond('Approved'), cond('Approved')] })))).toEqual([
      'status.conditions[1].type: Duplicate value: "Approved"',
    ]);
    expect(errorsOf(csr((o) => (o.status = { conditions: [cond('Failed', 'False')] })))).toEqual([
      'status.conditions[0].status: Unsupported value: "False": supported values: "True"',
    ]);
    const cert = Buffer.from('-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n').toString(
      'base64',
    );
    expect(errorsOf(csr((o) => (o.status = { certificate: cert })))).toEqual([
      'status.certificate: Forbidden: may only be set on an approved request',
    ]);
    expect(errorsOf(csr((o) => (o.status = { conditions: [cond('Approved')], certificate: cert })))).toEqual(
      [],
    );
  });

  it('on update: spec is immutable, decisions stay, and an issued certificate is never replaced', () => {
    const cert = (s: string) =>
      Buffer.from(`-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----\n`).toString('base64');
    const old = csr((o) => (o.status = { conditions: [cond('Approved')], certificate: cert('MA==') }));
    expect(
      errorsOf(
        csr((o) => (o.status = { conditions: [], certificate: cert('MB==') })),
        old,
      ),
    ).toEqual([
      'status.certificate: Forbidden: may only be set on an approved request',
      'status.conditions: Forbidden: updates may not remove a condition of type "Approved"',
      'status.certificate: Forbidden: updates may not modify existing certificate content',
    ]);
    const moved = csr((o) => {
      o.spec.signerName = 'example.com/other';
      o.status = old.status;
    });
    expect(errorsOf(moved, old)).toEqual(['spec: Forbidden: field is immutable']);
  });
});
