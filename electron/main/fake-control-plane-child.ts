// A stand-in for the control plane's utilityProcess in unit tests: the test says what the
// child sends (ready, heartbeat, failed) and when it exits; kill() records the signal and, like
// a real process, exits (SIGKILL always; SIGTERM unless the child is told to ignore it).
import type { ChildMessage, ControlPlaneChild } from './control-plane-supervisor.ts';

export class FakeControlPlaneChild implements ControlPlaneChild {
  readonly signals: string[] = [];
  exitCode?: number;
  /** A hung child: SIGTERM does nothing. */
  ignoreSigterm = false;
  private messageListeners: ((m: ChildMessage) => void)[] = [];
  private exitListeners: ((code: number) => void)[] = [];

  onMessage(listener: (m: ChildMessage) => void): void {
    this.messageListeners.push(listener);
  }

  onExit(listener: (code: number) => void): void {
    this.exitListeners.push(listener);
  }

  kill(signal: 'SIGTERM' | 'SIGKILL'): void {
    this.signals.push(signal);
    if (signal === 'SIGKILL' || !this.ignoreSigterm) this.exit(signal === 'SIGKILL' ? -9 : 0);
  }

  send(message: ChildMessage): void {
    for (const l of this.messageListeners) l(message);
  }

  ready(): void {
    this.send({
      type: 'ready',
      apiUrl: 'https://127.0.0.1:40000',
      kubeconfigPath: '/data/kubeconfig.yaml',
      loginUrl: 'https://127.0.0.1:40000/ui/login?token=x',
      caPath: '/data/pki/ca.crt',
    });
  }

  exit(code: number): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    for (const l of this.exitListeners) l(code);
  }
}
