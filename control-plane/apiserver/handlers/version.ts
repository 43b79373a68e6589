// /version: what `kubectl version` prints as the server version. We report the Kubernetes
// minor we follow (1.32) with a "-flotilla" suffix so nobody mistakes us for upstream.
import { arch, platform, version as nodeVersion } from 'node:process';

export const kubernetesVersion = { major: '1', minor: '32', gitVersion: 'v1.32.0-flotilla' };

const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

export function versionInfo(buildDate = new Date().toISOString().replace(/\.\d+Z$/, 'Z')) {
  return {
    major: kubernetesVersion.major,
    minor: kubernetesVersion.minor,
    gitVersion: kubernetesVersion.gitVersion,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate,
    goVersion: `node${nodeVersion.replace(/^v/, '')}`,
    compiler: 'tsx',
    platform: `${platform}/${goArch[arch] ?? arch}`,
  };
}
