// Docker-link style service variables (upstream pkg/kubelet/envvars): for every Service with a
// cluster IP in the pod's namespace (when enableServiceLinks is not false), and always for the
// `kubernetes` Service of the default namespace, FOO_SERVICE_HOST, FOO_SERVICE_PORT[_NAME] and
// FOO_PORT[_80_TCP[_PROTO|_PORT|_ADDR]]. They are the lowest-priority variables: the container's
// own env and envFrom override them, and may refer to them with $(FOO_SERVICE_HOST).
import type { Service } from '../../api/types/service.ts';

const MASTER_NAMESPACE = 'default';
const MASTER_SERVICE = 'kubernetes';

export function serviceEnv(
  services: Service[],
  namespace: string,
  enableServiceLinks: boolean | undefined,
): Map<string, string> {
  const chosen = new Map<string, Service>();
  for (const s of services) {
    const m = s.metadata ?? {};
    const ip = s.spec?.clusterIP;
    if (!ip || ip === 'None') continue;
    if (m.namespace === MASTER_NAMESPACE && m.name === MASTER_SERVICE) {
      // The API server's Service: in every pod, unless the pod's namespace has its own.
      if (!chosen.has(m.name)) chosen.set(m.name, s);
    } else if (m.namespace === namespace && enableServiceLinks !== false) {
      chosen.set(m.name!, s);
    }
  }
  const env = new Map<string, string>();
  for (const s of [...chosen.values()].sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!)))
    for (const [k, v] of variablesOf(s)) env.set(k, v);
  return env;
}

function variablesOf(s: Service): [string, string][] {
  const name = s.metadata!.name!.toUpperCase().replace(/-/g, '_');
  const ip = s.spec!.clusterIP!;
  const host = ip.includes(':') ? `[${ip}]` : ip;
  const ports = s.spec?.ports ?? [];
  const out: [string, string][] = [[`${name}_SERVICE_HOST`, ip]];
  if (ports.length === 0) return out;
  out.push([`${name}_SERVICE_PORT`, String(ports[0]!.port)]);
  for (const p of ports)
    if (p.name) out.push([`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`, String(p.port)]);
  const first = ports[0]!;
  const proto = (first.protocol ?? 'TCP').toLowerCase();
  out.push([`${name}_PORT`, `${proto}://${host}:${first.port}`]);
  for (const p of ports) {
    const protocol = p.protocol ?? 'TCP';
    const prefix = `${name}_PORT_${p.port}_${protocol.toUpperCase()}`;
    out.push(
      [prefix, `${protocol.toLowerCase()}://${host}:${p.port}`],
      [`${prefix}_PROTO`, protocol.toLowerCase()],
      [`${prefix}_PORT`, String(p.port)],
      [`${prefix}_ADDR`, ip],
    );
  }
  return out;
}
