// A tiny UDP peer run inside a pod's network namespace (busybox has no UDP tools):
//   node udp-peer.mjs serve PORT NAME       answers every datagram with NAME
//   node udp-peer.mjs ask IP PORT SRCPORT   sends one datagram from SRCPORT, prints the answer
import dgram from 'node:dgram';

const [mode, ...args] = process.argv.slice(2);
const socket = dgram.createSocket('udp4');
if (mode === 'serve') {
  const [port, name] = args;
  socket.on('message', (_msg, from) => socket.send(name, from.port, from.address));
  socket.bind(Number(port));
} else {
  const [ip, port, srcPort] = args;
  const timer = setTimeout(() => {
    console.log('timeout');
    process.exit(0);
  }, 3000);
  socket.on('message', (msg) => {
    clearTimeout(timer);
    console.log(msg.toString());
    process.exit(0);
  });
  socket.bind(Number(srcPort), () => socket.send('ping', Number(port), ip));
}
