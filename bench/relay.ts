/**
 * The baseline: a bare WebSocket relay. It speaks the subset of Comptoir's socket protocol the benchmark
 * uses (hello → ready, send → event to the other member + ack to the sender), parses every frame and
 * forwards it, and stores nothing. Routing tables (cookie → user, conversation → members) come from a
 * JSON file written by the benchmark. Prints `RELAY LISTENING <port>` when ready.
 */
import fs from 'node:fs';
import http from 'node:http';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';

const [tablesFile] = process.argv.slice(2);
if (!tablesFile) throw new Error('usage: relay.ts <tables.json>');
const tables = JSON.parse(fs.readFileSync(tablesFile, 'utf8')) as {
  cookies: Record<string, string>;
  conversations: Record<string, string[]>;
};
const sockets = new Map<string, Set<WebSocket>>();
const server = http.createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, clientTracking: false });
let pos = 0;

wss.on('connection', (ws, req) => {
  // The whole Cookie header, as the benchmark's clients send it (the session and the device cookie).
  const user = tables.cookies[req.headers.cookie ?? ''];
  if (!user) return ws.close(4001);
  const set = sockets.get(user) ?? new Set<WebSocket>();
  sockets.set(user, set);
  set.add(ws);
  ws.on('close', () => set.delete(ws));
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as {
      type: string;
      ref?: string;
      conversationId?: string;
      clientId?: string;
      text?: string;
    };
    if (f.type === 'hello') return ws.send(JSON.stringify({ type: 'ready', cursor: pos }));
    if (f.type !== 'send' || !f.conversationId) return;
    const members = tables.conversations[f.conversationId] ?? [];
    const p = ++pos;
    const message = { conversationId: f.conversationId, senderId: user, clientId: f.clientId, text: f.text };
    const frame = JSON.stringify({
      type: 'event',
      pos: p,
      event: { type: 'message.created', conversationId: f.conversationId, message },
    });
    for (const m of members) {
      for (const s of sockets.get(m) ?? []) if (s !== ws) s.send(frame);
    }
    ws.send(JSON.stringify({ type: 'ack', ref: f.ref ?? null, pos: p, message }));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`RELAY LISTENING ${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
