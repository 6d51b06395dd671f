// A separate edge process publishing shelf samples through the proxy (used by zmq-bus.test.ts).
import { Publisher } from 'zeromq';
import { ZmqBus } from '../../edge/bus/zmq-bus.ts';

const [publish, subscribe, plateId, mode] = process.argv.slice(2) as [string, string, string, string];
const bus = await ZmqBus.connect({ publish, subscribe });
if (mode === 'garbage') {
  // Raw frames a buggy or hostile process might send: the receiver must drop them, not crash.
  const raw = new Publisher();
  raw.connect(publish);
  await new Promise((r) => setTimeout(r, 300));
  await raw.send(['shelf.samples', '{not json']);
  await raw.send(['shelf.samples', JSON.stringify({ plateId, seq: -1, t0: 0, periodMs: 16, grams: [] })]);
  await raw.send(['no.such.topic', '{}']);
}
await new Promise((r) => setTimeout(r, 300));
let seq = 0;
setInterval(() => {
  bus.publish('shelf.samples', {
    plateId,
    seq: seq++,
    t0: Date.now(),
    periodMs: 16.67,
    grams: Array(12).fill(100),
  });
}, 5);
process.stdout.write('ready\n');
