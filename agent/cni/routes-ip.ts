// The few iproute2 and iptables calls pod routing needs, run in the agent's own network
// namespace (the node's). JSON output (`ip -j`) is parsed rather than scraped.
import { execFile } from 'node:child_process';

export function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

export async function ipJson<T = any>(args: string[]): Promise<T[]> {
  const out = (await run('ip', ['-j', ...args])).trim();
  return out ? (JSON.parse(out) as T[]) : [];
}

/** Whether the address is reached directly on one of our links (no gateway in between). */
export async function isOnLink(ip: string): Promise<boolean> {
  try {
    const [route] = await ipJson<{ gateway?: string }>(['route', 'get', ip]);
    return !!route && !route.gateway;
  } catch {
    return false;
  }
}

/** The interface holding an address (where VXLAN packets leave). */
export async function interfaceWithAddress(ip: string): Promise<string | undefined> {
  const links = await ipJson<{ ifname: string; addr_info?: { local: string }[] }>(['addr', 'show']);
  return links.find((l) => l.addr_info?.some((a) => a.local === ip))?.ifname;
}
