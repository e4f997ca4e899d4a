import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the bot answers one delivery. */
export type BotAnswer = 'ok' | 'error' | 'hang' | 'close';

export interface Delivery {
  /** The exact bytes received. */
  raw: Buffer;
  body: { object: string; entry: { id: string; time: number; messaging?: Event[]; standby?: Event[] }[] };
  headers: http.IncomingHttpHeaders;
  /** The delivery ids the POST names (X-Comptoir-Delivery-Ids), in the body's order. */
  ids: string[];
  /** Both signatures check against the secret. */
  signed: boolean;
  answered: BotAnswer;
}
export type Event = Record<string, unknown> & { sender?: { id: string }; recipient: { id: string }; timestamp: number };

export interface WebhookBot {
  /** The callback URL, answering the handshake for `verifyToken`. */
  url: string;
  verifyToken: string;
  /** Every delivery POSTed, in arrival order. */
  deliveries: Delivery[];
  /** Every messaging (or standby) event received, in order. */
  events(): Event[];
  /** How the next deliveries are answered, in order; then 'ok'. */
  answers: BotAnswer[];
  /** The most POSTs it had under way at once. */
  maxInFlight: number;
  /** Requests it cut, unanswered, for coming on a connection idle too long (`idleCloseMs`). */
  idleClosed: number;
  /** Resolves once `n` events were received (or rejects after `ms`). */
  waitForEvents(n: number, ms?: number): Promise<Event[]>;
  close(): Promise<void>;
}

export interface BotOptions {
  /**
   * A connection left idle longer than this is closed when the next request arrives on it, unanswered:
   * what a server does whose idle timer fires just as a request comes in on a kept-alive connection (a
   * race that a real one loses now and then, made certain here). No `Keep-Alive: timeout` is announced,
   * as many servers announce none.
   */
  idleCloseMs?: number;
}

/**
 * A bot's webhook on 127.0.0.1: answers the subscribe handshake, checks both signatures of each delivery
 * against the app secret (set once known), and answers as told — 200, 500, never, or by closing the
 * connection — so tests see exactly what a real bot sees.
 */
export async function startWebhookBot(
  verifyToken = 'bot-verify-token',
  options: BotOptions = {},
): Promise<WebhookBot & { secret: string }> {
  const deliveries: Delivery[] = [];
  let waiters: (() => boolean)[] = [];
  let inFlight = 0;
  const hanging = new Set<http.ServerResponse>();
  const bot = {
    url: '',
    verifyToken,
    secret: '',
    deliveries,
    answers: [] as BotAnswer[],
    maxInFlight: 0,
    idleClosed: 0,
    events: () =>
      deliveries
        .filter((d) => d.answered === 'ok')
        .flatMap((d) => d.body.entry.flatMap((e) => [...(e.messaging ?? []), ...(e.standby ?? [])])),
    waitForEvents(n: number, ms = 10_000) {
      return new Promise<Event[]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`waited ${ms} ms for ${n} events, got ${bot.events().length}`)),
          ms,
        );
        const check = () => {
          if (bot.events().length >= n) {
            clearTimeout(timer);
            resolve(bot.events());
            return true;
          }
          return false;
        };
        if (!check()) waiters.push(check);
      });
    },
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  /** When each connection last finished an answer. */
  const idleSince = new WeakMap<Socket, number>();
  const server = http.createServer((req, res) => {
    const since = idleSince.get(req.socket);
    if (options.idleCloseMs !== undefined && since !== undefined && Date.now() - since > options.idleCloseMs) {
      bot.idleClosed++;
      req.socket.destroy();
      return;
    }
    res.on('finish', () => idleSince.set(req.socket, Date.now()));
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') {
      const ok =
        url.searchParams.get('hub.mode') === 'subscribe' && url.searchParams.get('hub.verify_token') === verifyToken;
      res.writeHead(ok ? 200 : 403);
      return res.end(ok ? (url.searchParams.get('hub.challenge') ?? '') : 'wrong token');
    }
    const chunks: Buffer[] = [];
    inFlight++;
    bot.maxInFlight = Math.max(bot.maxInFlight, inFlight);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const answered = bot.answers.shift() ?? 'ok';
      const sign = (alg: string) => `${alg}=${createHmac(alg, bot.secret).update(raw).digest('hex')}`;
      deliveries.push({
        raw,
        body: JSON.parse(raw.toString('utf8')) as Delivery['body'],
        headers: req.headers,
        ids: String(req.headers['x-comptoir-delivery-ids'] ?? '')
          .split(',')
          .filter(Boolean),
        signed:
          req.headers['x-hub-signature'] === sign('sha1') && req.headers['x-hub-signature-256'] === sign('sha256'),
        answered,
      });
      const done = () => {
        inFlight--;
      };
      switch (answered) {
        case 'ok':
          res.end('EVENT_RECEIVED', done);
          break;
        case 'error':
          res.writeHead(500);
          res.end('boom', done);
          break;
        case 'hang':
          hanging.add(res);
          res.on('close', done);
          break;
        case 'close':
          req.socket.destroy();
          done();
          break;
      }
      waiters = waiters.filter((check) => !check());
    });
  });
  // Node's own idle timer announces itself (`Keep-Alive: timeout=…`) and Node's client heeds it: off, so
  // that idleCloseMs alone closes idle connections.
  if (options.idleCloseMs !== undefined) server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  bot.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return bot;
}
