// Who may call the kubelet API: only the API server, by its client certificate from the
// cluster CA with the identity kubeadm gives it (CN kube-apiserver-kubelet-client). The TLS
// layer asks for a certificate without insisting, so that others get a 401/403 they can read.
import type { TLSSocket } from 'node:tls';

export const KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';

export type AuthResult = { ok: true } | { ok: false; code: 401 | 403; message: string };

export function authenticateCaller(socket: TLSSocket): AuthResult {
  const cert = socket.getPeerCertificate();
  if (!socket.authorized || !cert || Object.keys(cert).length === 0) {
    return { ok: false, code: 401, message: 'Unauthorized' };
  }
  const cn = cert.subject?.CN;
  if (cn !== KUBELET_CLIENT_CN) {
    return {
      ok: false,
      code: 403,
      message: `Forbidden (user=${String(cn)}): only the API server may use the kubelet API`,
    };
  }
  return { ok: true };
}
