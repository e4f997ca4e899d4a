import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseCookie } from 'cookie';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import { AppError, catalogue, toAppError } from '../errors.ts';
import { readCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { originAllowed, ownOrigin } from '../http/guards.ts';
import { hstsFor } from '../http/headers.ts';
import { clientOrigin, type TrustFn } from '../http/proxy.ts';
import { addressKey } from '../lib/address.ts';
import { CloseCode } from './connection.ts';
import type { Gateway } from './gateway.ts';

/** How an upgrade authenticates its session cookie (a port: accounts' sessions serve it). */
export interface SessionAuthenticator {
  /** The session of a token and its person; throws (`unauthenticated`, `session_expired`) otherwise. */
  authenticate(
    token: string | undefined,
  ): Promise<{ user: { id: string }; session: { id: string; expiresAt: number } }>;
}

/** How an upgrade lets a person act as a business page (a port: pages serve it). */
export interface PageAccess {
  /** The page's account id, when the person helps run the page; throws (`page_not_found`, `not_page_member`). */
  actAs(userId: string, pageId: string): Promise<string>;
}

/** Frames above this close the connection (1009); frames above limits.frameBytes get an error frame. */
const MAX_PAYLOAD = 1024 * 1024;

function refuse(socket: Duplex, status: number, body: object, hsts: string | null) {
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : status === 400 ? 'Bad Request' : status === 429 ? 'Too Many Requests' : 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
      (hsts ? `Strict-Transport-Security: ${hsts}\r\n` : '') +
      `Connection: close\r\n\r\n${json}`,
  );
}

/**
 * `GET /ws` upgrades: same origin only, authenticated by the session cookie, within the per-account and
 * per-address connection limits. Anything else is answered with an HTTP error before any WebSocket exists.
 * `GET /ws?page=<id>`: the socket acts as that business page — its account's events, its conversations'
 * frames — for a person who helps run it.
 */
export function attachWebSocket(
  app: FastifyInstance,
  gateway: Gateway,
  sessions: SessionAuthenticator,
  pages: PageAccess,
  options: { publicOrigin: string | null; trust: TrustFn | false },
) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD,
    perMessageDeflate: false,
    clientTracking: false,
  });

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    void (async () => {
      // The same address, protocol and host as req.ip/req.protocol/req.host on HTTP routes.
      const client = clientOrigin(req, options.trust);
      const own = ownOrigin(client, options.publicOrigin);
      const hsts = hstsFor(own);
      const url = req.url ?? '';
      if (url !== '/ws' && !url.startsWith('/ws?')) {
        refuse(socket, 404, { error: { id: 'not_found', message: catalogue.not_found.message } }, hsts);
        return;
      }
      if (!originAllowed(req.headers.origin, own)) {
        refuse(socket, 403, { error: { id: 'forbidden_origin', message: catalogue.forbidden_origin.message } }, hsts);
        return;
      }
      // Counted by its key: an IPv6 host by its /64 (lib/address.ts).
      const address = addressKey(client.ip);
      let auth: Awaited<ReturnType<SessionAuthenticator['authenticate']>>;
      let actingAs: string;
      try {
        const secure = own.startsWith('https:');
        const token = readCookie(parseCookie(req.headers.cookie ?? ''), SESSION_COOKIE, secure);
        auth = await sessions.authenticate(token);
        const page = pageParam(url);
        actingAs = page === null ? auth.user.id : await pages.actAs(auth.user.id, page);
      } catch (e) {
        const err = toAppError(e);
        refuse(socket, err.status, { error: err.toBody() }, hsts);
        return;
      }
      const denied = gateway.admit(auth.user.id, address);
      if (socket.destroyed) return;
      if (denied) {
        // Past the connection limits the socket is opened and closed at once with 1013 ("try again
        // later"): a browser sees that code, where a refused upgrade is only a 1006 it cannot tell apart.
        wss.handleUpgrade(req, socket, head, (ws) => ws.close(CloseCode.tryAgainLater, denied.message));
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) =>
        gateway.accept(ws, actingAs, auth.session.id, address, auth.session.expiresAt, auth.user.id),
      );
    })().catch((err) => {
      app.log.error({ err }, 'upgrade failed');
      socket.destroy();
    });
  });

  return wss;
}

/** The `page` of `/ws?page=<id>`; null without one; `bad_request` when it is empty, repeated or too long. */
function pageParam(url: string): string | null {
  const at = url.indexOf('?');
  if (at < 0) return null;
  const values = new URLSearchParams(url.slice(at + 1)).getAll('page');
  if (values.length === 0) return null;
  const [page] = values;
  if (values.length > 1 || !page || page.length > 64) throw new AppError('bad_request', 'page: one page id');
  return page;
}
