/**
 * A bot's webhook endpoint for `npm run bench:platform`, as a process of its own: answers the subscribe
 * handshake, then `POST /ok` with 200 (counting the events, the latency of each from its timestamp, and the
 * page-scoped ids it saw per page) and `POST /hang` never (its connections stay open). `GET /stats` answers
 * the counts since the last `POST /reset`. Prints `RECEIVER LISTENING <port>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let events = 0;
let posts = 0;
let hanging = 0;
let latencies: number[] = [];
const psids = new Map<string, Set<string>>();

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.searchParams.get('hub.mode') === 'subscribe') {
    return res.end(url.searchParams.get('hub.challenge') ?? '');
  }
  if (req.method === 'GET' && url.pathname === '/stats') {
    res.setHeader('content-type', 'application/json');
    return res.end(
      JSON.stringify({
        events,
        posts,
        hanging,
        latencies,
        psids: Object.fromEntries([...psids].map(([page, set]) => [page, [...set]])),
      }),
    );
  }
  if (req.method === 'POST' && url.pathname === '/reset') {
    events = 0;
    posts = 0;
    latencies = [];
    return res.end('{}');
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (url.pathname.startsWith('/hang')) {
      hanging++;
      return; // never answered
    }
    const now = Date.now();
    const body = JSON.parse(Buffer.concat(chunks).toString('latin1')) as {
      entry: { id: string; messaging?: { sender?: { id: string }; timestamp: number }[] }[];
    };
    posts++;
    for (const entry of body.entry) {
      for (const e of entry.messaging ?? []) {
        events++;
        if (latencies.length < 200_000) latencies.push(now - e.timestamp);
        if (e.sender && e.sender.id !== entry.id) {
          const set = psids.get(entry.id) ?? new Set<string>();
          set.add(e.sender.id);
          psids.set(entry.id, set);
        }
      }
    }
    res.end('EVENT_RECEIVED');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`RECEIVER LISTENING ${(server.address() as AddressInfo).port}\n`);
});
