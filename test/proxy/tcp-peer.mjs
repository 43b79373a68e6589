// A tiny TCP peer run inside a network namespace:
//   node tcp-peer.mjs serve PORT...                 on 0.0.0.0, answers each connection with `port N`;
//                                                   prints `listening` once every port is open
//   node tcp-peer.mjs connect IP PORT MS [SRC_IP]   prints the answer, the error code
//                                                   (ECONNREFUSED ...) or `timeout` after MS
import net from 'node:net';

const [mode, ...args] = process.argv.slice(2);
if (mode === 'serve') {
  let open = 0;
  for (const port of args)
    net
      .createServer((c) => c.end(`port ${port}`))
      .listen(Number(port), '0.0.0.0', () => {
        if (++open === args.length) console.log('listening');
      });
} else {
  const [ip, port, ms, localAddress] = args;
  const done = (text) => {
    console.log(text);
    process.exit(0);
  };
  setTimeout(() => done('timeout'), Number(ms));
  const socket = net.connect({ host: ip, port: Number(port), localAddress });
  let answer = '';
  socket.on('data', (d) => (answer += d));
  socket.on('end', () => done(answer));
  socket.on('error', (err) => done(err.code ?? String(err)));
}
