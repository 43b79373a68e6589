// Parsing what the multipass CLI prints, as documented:
//   `multipass version`: https://documentation.ubuntu.com/multipass/en/latest/reference/command-line-interface/version/
//     "multipass   1.14.0\nmultipassd  1.14.0"
//   `multipass info NAME --format json`: https://documentation.ubuntu.com/multipass/en/latest/reference/command-line-interface/info/
//     { "errors": [], "info": { "NAME": { "state": "Running", "ipv4": ["10.1.2.3"], ... } } }
// Instance states: https://documentation.ubuntu.com/multipass/en/latest/explanation/instance/

export type InstanceState =
  | 'Running'
  | 'Stopped'
  | 'Deleted'
  | 'Starting'
  | 'Restarting'
  | 'Delayed Shutdown'
  | 'Suspending'
  | 'Suspended'
  | 'Unknown';

export interface InstanceInfo {
  state: InstanceState;
  ipv4: string[];
  release?: string;
}

export function parseVersion(stdout: string): { client?: string; daemon?: string } {
  const client = /^multipass\s+(\S+)/m.exec(stdout)?.[1];
  const daemon = /^multipassd\s+(\S+)/m.exec(stdout)?.[1];
  return { client, daemon };
}

export function parseInfo(stdout: string, name: string): InstanceInfo {
  let doc: { info?: Record<string, { state?: string; ipv4?: string[]; release?: string }> };
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw new Error(`multipass info printed something that is not JSON: ${stdout.slice(0, 200)}`);
  }
  const entry = doc.info?.[name];
  if (!entry) throw new Error(`multipass info has no instance ${name}`);
  return {
    state: (entry.state ?? 'Unknown') as InstanceState,
    // IPv4 addresses the instance has, the default interface's first.
    ipv4: (entry.ipv4 ?? []).filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip)),
    release: entry.release,
  };
}
