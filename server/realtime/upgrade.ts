import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseCookie } from 'cookie';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import type { SessionsService } from '../accounts/sessions.ts';
import { catalogue, toAppError } from '../errors.ts';
import { readCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { originAllowed, ownOrigin } from '../http/guards.ts';
import type { Gateway } from './gateway.ts';

/** Frames above this close the connection (1009); frames above limits.frameBytes get an error frame. */
const MAX_PAYLOAD = 1024 * 1024;

function refuse(socket: Duplex, status: number, body: object) {
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 429 ? 'Too Many Requests' : 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}

/**
 * `GET /ws` upgrades: same origin only, authenticated by the session cookie, within the per-account and
 * per-address connection limits. Anything else is answered with an HTTP error before any WebSocket exists.
 */
export function attachWebSocket(
  app: FastifyInstance,
  gateway: Gateway,
  sessions: SessionsService,
  options: { publicOrigin: string | null; trustProxy: boolean },
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
      const url = req.url ?? '';
      if (url !== '/ws' && !url.startsWith('/ws?')) {
        refuse(socket, 404, { error: { id: 'not_found', message: catalogue.not_found.message } });
        return;
      }
      const host = req.headers.host ?? 'localhost';
      const encrypted = 'encrypted' in req.socket && req.socket.encrypted === true;
      const forwardedProto = options.trustProxy
        ? String(req.headers['x-forwarded-proto'] ?? '')
            .split(',')[0]
            ?.trim()
        : '';
      const protocol = forwardedProto || (encrypted ? 'https' : 'http');
      if (!originAllowed(req.headers.origin, ownOrigin({ protocol, host }, options.publicOrigin))) {
        refuse(socket, 403, { error: { id: 'forbidden_origin', message: catalogue.forbidden_origin.message } });
        return;
      }
      const address = addressOf(req, options.trustProxy);
      let auth: Awaited<ReturnType<SessionsService['authenticate']>>;
      try {
        const secure = options.publicOrigin ? options.publicOrigin.startsWith('https:') : protocol === 'https';
        const token = readCookie(parseCookie(req.headers.cookie ?? ''), SESSION_COOKIE, secure);
        auth = await sessions.authenticate(token);
      } catch (e) {
        const err = toAppError(e);
        refuse(socket, err.status, { error: err.toBody() });
        return;
      }
      const denied = gateway.admit(auth.user.id, address);
      if (denied) {
        refuse(socket, denied.status, { error: denied.toBody() });
        return;
      }
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) =>
        gateway.accept(ws, auth.user.id, auth.session.id, address, auth.session.expiresAt),
      );
    })().catch((err) => {
      app.log.error({ err }, 'upgrade failed');
      socket.destroy();
    });
  });

  return wss;
}

function addressOf(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = req.headers['x-forwarded-for'];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
