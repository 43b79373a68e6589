// Logs, exec, attach, port-forward and cp through our API server to a real kubelet API on a
// netns node, with the real kubectl: WebSockets (v5 channels, SPDY tunnelled for port-forward)
// from kubectl to the API server to the kubelet, SPDY from the kubelet to containerd.
import { Exec, KubeConfig, Log, type V1Status } from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startOneNodeCluster, type OneNodeCluster } from '../helpers/one-node-cluster.ts';
import { BUSYBOX_IMAGE, HTTPD_IMAGE } from '../helpers/images.ts';
import { netnsSkipReason, type TestCluster } from '../helpers/netns.ts';
import { kubectl as runKubectl, waitFor, type TestServer } from '../helpers/server.ts';
import { startAgentInNode, writeStreamingAgentConfig, type StreamingAgent } from './streaming-node.ts';

const LONG = 180_000;

// Each test may wait up to LONG for a condition on a loaded machine.
describe.skipIf(netnsSkipReason() !== undefined)(
  'kubectl logs, exec, attach, port-forward, cp',
  { timeout: LONG + 60_000 },
  () => {
    let env: OneNodeCluster;
    let cluster: TestCluster;
    let server: TestServer;
    let agent: StreamingAgent;
    let dir: string;

    beforeAll(async () => {
      env = await startOneNodeCluster({
        prefix: 'flotilla-streaming-test-',
        waitFor: 'ready',
        startAgent: async (node, server, dir) =>
          startAgentInNode(node, await writeStreamingAgentConfig(node, server, dir)),
      });
      ({ cluster, server, dir } = env);
      agent = env.agent;
      await Promise.all([
        createPod('shell', {
          containers: [busybox('main', 'echo one; echo two; echo three; exec sleep 3600')],
        }),
        createPod('ticker', {
          containers: [busybox('main', 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 1; done')],
        }),
        createPod('web', { containers: [{ name: 'web', image: HTTPD_IMAGE, imagePullPolicy: 'Never' }] }),
        createPod('restarts', {
          containers: [
            {
              ...busybox(
                'main',
                'if [ -f /data/ran ]; then echo second run; exec sleep 3600; fi; touch /data/ran; echo first run; exit 1',
              ),
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
        }),
      ]);
      await Promise.all(['shell', 'ticker', 'web'].map((name) => waitForRunning(name)));
    }, 400_000);

    afterAll(async () => {
      await server?.kubectl(['delete', 'pods', '--all', '--grace-period=0', '--wait=false']);
      await env?.stop();
    }, 300_000);

    function busybox(name: string, script: string) {
      return { name, image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', script] };
    }

    const getJson = (args: string[]) => env.getJson(args);

    async function createPod(name: string, spec: Record<string, unknown>): Promise<void> {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { nodeName: cluster.nodes[0]!.name, terminationGracePeriodSeconds: 1, ...spec },
      };
      const res = await server.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
      expect(res.stderr).toBe('');
    }

    /** Adds what the agent said so far to a failed wait. */
    function withAgentOutput(err: Error): never {
      throw new Error(`${err.message}\nagent output:\n${agent.output.slice(-3000)}`);
    }

    function waitForRunning(name: string, check: (p: any) => boolean = () => true): Promise<any> {
      return waitFor(
        async () => {
          const p = await getJson(['get', 'pod', name]);
          const running = p?.status?.containerStatuses?.every((c: any) => c.state?.running);
          return running && check(p) ? p : undefined;
        },
        LONG,
        `${name} running`,
      ).catch(withAgentOutput);
    }

    /** A long-running kubectl (logs -f, port-forward, attach) whose output we watch. */
    function spawnKubectl(args: string[], env: Record<string, string> = {}) {
      const child = spawn('kubectl', args, {
        env: { ...process.env, KUBECONFIG: server.kubeconfig, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
      return {
        get output() {
          return out;
        },
        stop: () => {
          child.kill('SIGKILL');
        },
      };
    }

    describe('the kubelet API', () => {
      const call = (path: string, tls: { cert?: string; key?: string } = {}) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request(
            {
              host: cluster.nodes[0]!.nodeIp,
              port: 10250,
              path,
              ca: readFileSync(join(server.dataDir, 'pki', 'ca.crt')),
              ...tls,
            },
            (res) => {
              let body = '';
              res.setEncoding('utf8').on('data', (c: string) => (body += c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            },
          );
          req.on('error', reject);
          req.end();
        });

      it('refuses callers without a client certificate (401) and other identities than the API server (403)', async () => {
        expect((await call('/containerLogs/default/shell/main')).status).toBe(401);
        const pki = join(server.dataDir, 'pki');
        const admin = {
          cert: readFileSync(join(pki, 'admin.crt'), 'utf8'),
          key: readFileSync(join(pki, 'admin.key'), 'utf8'),
        };
        expect((await call('/containerLogs/default/shell/main', admin)).status).toBe(403);
        const apiserver = {
          cert: readFileSync(join(pki, 'apiserver-kubelet-client.crt'), 'utf8'),
          key: readFileSync(join(pki, 'apiserver-kubelet-client.key'), 'utf8'),
        };
        const ok = await call('/containerLogs/default/shell/main', apiserver);
        expect(ok).toEqual({ status: 200, body: 'one\ntwo\nthree\n' });
      });

      it('is reachable through nodes/proxy', async () => {
        const res = await server.kubectl([
          'get',
          '--raw',
          `/api/v1/nodes/${cluster.nodes[0]!.name}/proxy/healthz`,
        ]);
        expect(res).toMatchObject({ code: 0, stdout: 'ok' });
      });

      it('reports its port in the Node status', async () => {
        const n = await getJson(['get', 'node', cluster.nodes[0]!.name]);
        expect(n.status.daemonEndpoints.kubeletEndpoint.Port).toBe(10250);
      });
    });

    describe('kubectl logs', () => {
      it('prints the log, its tail, and timestamps', async () => {
        expect((await server.kubectl(['logs', 'shell'])).stdout).toBe('one\ntwo\nthree\n');
        expect((await server.kubectl(['logs', 'shell', '--tail=1'])).stdout).toBe('three\n');
        expect((await server.kubectl(['logs', 'shell', '-c', 'main', '--limit-bytes=6'])).stdout).toBe(
          'one\ntw',
        );
        const stamped = (await server.kubectl(['logs', 'shell', '--timestamps'])).stdout.trim().split('\n');
        expect(stamped).toHaveLength(3);
        expect(stamped[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z one$/);
        expect((await server.kubectl(['logs', 'shell', '--since=1h'])).stdout).toBe('one\ntwo\nthree\n');
        expect((await server.kubectl(['logs', 'shell', '--all-containers'])).stdout).toBe(
          'one\ntwo\nthree\n',
        );
      });

      it('follows new lines with -f', async () => {
        const follow = spawnKubectl(['logs', '-f', 'ticker', '--tail=1']);
        try {
          const first = await waitFor(
            async () => /tick-(\d+)/.exec(follow.output)?.[1],
            LONG,
            'a first line',
          );
          const later = `tick-${Number(first) + 2}`;
          await waitFor(async () => follow.output.includes(later), LONG, `${later} while following`);
        } finally {
          follow.stop();
        }
      });

      it('shows the previous instance after a restart with --previous', async () => {
        await waitForRunning('restarts', (p) => p.status.containerStatuses[0].restartCount >= 1);
        await waitFor(
          async () => (await server.kubectl(['logs', 'restarts'])).stdout === 'second run\n',
          LONG,
          'the current instance logs',
        );
        expect((await server.kubectl(['logs', 'restarts', '--previous'])).stdout).toBe('first run\n');
      });

      it('streams a log to @kubernetes/client-node Log', async () => {
        const kc = new KubeConfig();
        kc.loadFromFile(server.kubeconfig);
        let text = '';
        const sink = new Writable({
          write(chunk, _enc, done) {
            text += String(chunk);
            done();
          },
        });
        // client-node 1.3 pipes the body into the stream (its done callback is never called).
        const ended = new Promise<void>((resolve) => sink.once('finish', () => resolve()));
        await new Log(kc).log('default', 'shell', 'main', sink, { tailLines: 2 });
        await ended;
        expect(text).toBe('two\nthree\n');
      });

      it('says why when the container name is wrong', async () => {
        const res = await server.kubectl(['logs', 'shell', '-c', 'nope']);
        expect(res.code).not.toBe(0);
        expect(res.stderr).toContain('container nope is not valid for pod shell');
      });
    });

    describe('kubectl exec', () => {
      it('runs a command and prints its output', async () => {
        const res = await server.kubectl(['exec', 'shell', '--', 'hostname']);
        expect(res).toMatchObject({ code: 0, stdout: 'shell\n' });
      });

      it('passes the exit code and stderr on', async () => {
        const res = await server.kubectl(['exec', 'shell', '--', 'sh', '-c', 'echo oops >&2; exit 3']);
        expect(res.code).toBe(3);
        expect(res.stderr).toContain('oops');
      });

      it('feeds stdin and closes it, so the command ends', async () => {
        const res = await server.kubectl(['exec', '-i', 'shell', '--', 'sh', '-c', 'wc -l; cat /dev/null'], {
          input: 'a\nb\nc\n',
        });
        expect(res).toMatchObject({ code: 0 });
        expect(res.stdout.trim()).toBe('3');
      });

      it('gives a TTY the size sent on the resize channel', async () => {
        // What `kubectl exec -it` does, spoken directly: v5 channel 4 carries the terminal size.
        // The size may land just after the process starts, and containerd may drop what a TTY
        // prints before it has attached, so the command prints the size until it reads a line.
        const pki = join(server.dataDir, 'pki');
        const query = new URLSearchParams([
          ['command', 'sh'],
          ['command', '-c'],
          ['command', 'while true; do stty size 2>/dev/null; read -t 1 line && exit 0; done'],
          ['stdin', 'true'],
          ['stdout', 'true'],
          ['tty', 'true'],
        ]);
        const ws = new WebSocket(
          `${server.url}/api/v1/namespaces/default/pods/shell/exec?${query}`,
          ['v5.channel.k8s.io'],
          {
            ca: readFileSync(join(pki, 'ca.crt')),
            cert: readFileSync(join(pki, 'admin.crt')),
            key: readFileSync(join(pki, 'admin.key')),
          },
        );
        let stdout = '';
        let status = '';
        ws.on('message', (data: Buffer) => {
          if (data[0] === 1) {
            stdout += data.subarray(1).toString();
            if (stdout.includes('33 101')) ws.send(Buffer.from('\x00\n'));
          }
          if (data[0] === 3) status += data.subarray(1).toString();
        });
        ws.once('open', () =>
          ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":101,"Height":33}')])),
        );
        await new Promise((resolve) => ws.once('close', resolve));
        expect(ws.protocol).toBe('v5.channel.k8s.io');
        expect(stdout).toContain('33 101');
        expect(JSON.parse(status)).toMatchObject({ status: 'Success' });
      });

      it('works over SPDY too, when WebSockets are turned off in kubectl', async () => {
        const env = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
        expect(await server.kubectl(['exec', 'shell', '--', 'hostname'], { env })).toMatchObject({
          code: 0,
          stdout: 'shell\n',
        });
        expect((await server.kubectl(['exec', 'shell', '--', 'sh', '-c', 'exit 4'], { env })).code).toBe(4);
        const res = await server.kubectl(['exec', '-i', 'shell', '--', 'wc', '-c'], { env, input: 'abcd' });
        expect(res.stdout.trim()).toBe('4');
      });

      it('answers @kubernetes/client-node Exec with output and status', async () => {
        const kc = new KubeConfig();
        kc.loadFromFile(server.kubeconfig);
        let stdout = '';
        const sink = new Writable({
          write(chunk, _enc, done) {
            stdout += String(chunk);
            done();
          },
        });
        const status = await new Promise<V1Status>((resolve, reject) => {
          new Exec(kc)
            .exec(
              'default',
              'shell',
              'main',
              ['sh', '-c', 'echo via client-node'],
              sink,
              null,
              null,
              false,
              resolve,
            )
            .catch(reject);
        });
        expect(status.status).toBe('Success');
        expect(stdout).toBe('via client-node\n');
      });
    });

    describe('kubectl attach', () => {
      it('streams the output of the running container', async () => {
        const attach = spawnKubectl(['attach', 'ticker']);
        try {
          const seen = await waitFor(
            async () => /tick-(\d+)/.exec(attach.output)?.[1],
            LONG,
            'attached output',
          );
          await waitFor(async () => attach.output.includes(`tick-${Number(seen) + 1}`), LONG, 'more output');
        } finally {
          attach.stop();
        }
      });
    });

    describe('kubectl port-forward', () => {
      it.each([
        ['SPDY tunnelled in a WebSocket', {}],
        ['plain SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
      ])('forwards a local port to the pod (%s)', async (_how, env: Record<string, string>) => {
        const forward = spawnKubectl(['port-forward', 'pod/web', ':80'], env);
        try {
          const port = await waitFor(
            async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(forward.output)?.[1],
            LONG,
            `port-forward ready: ${forward.output}`,
          );
          for (let i = 0; i < 2; i++) {
            const body = await new Promise<string>((resolve, reject) => {
              httpGet(`http://127.0.0.1:${port}/`, (res) => {
                let text = '';
                res.setEncoding('utf8').on('data', (c: string) => (text += c));
                res.on('end', () => resolve(text));
              }).on('error', reject);
            });
            expect(body).toContain('hello from web');
          }
        } finally {
          forward.stop();
        }
      });
    });

    describe('kubectl cp', () => {
      it('copies a file into the pod and back out', async () => {
        const content = Array.from({ length: 5000 }, (_, i) => `line ${i} of the file\n`).join('');
        const local = join(dir, 'in.txt');
        writeFileSync(local, content);
        const into = await runKubectl(['cp', local, 'default/shell:/tmp/copied.txt'], {
          kubeconfig: server.kubeconfig,
        });
        expect(into.stderr).toBe('');
        expect(into.code).toBe(0);
        const cat = await server.kubectl(['exec', 'shell', '--', 'cat', '/tmp/copied.txt']);
        expect(cat.stdout).toBe(content);
        const back = join(dir, 'out.txt');
        const out = await runKubectl(['cp', 'default/shell:/tmp/copied.txt', back], {
          kubeconfig: server.kubeconfig,
        });
        expect(out.code).toBe(0);
        expect(readFileSync(back, 'utf8')).toBe(content);
      });
    });
  },
);
