import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a test webhook answers the subscribe handshake. */
export type ReceiverMode =
  /** 200 with the challenge when the verify token is right (403 otherwise), as a bot does. */
  | 'echo'
  /** 200 with something else than the challenge. */
  | 'wrong'
  /** 500. */
  | 'error'
  /** Never answers. */
  | 'silent'
  /** 302 to another path of its own. */
  | 'redirect'
  /** 200 with the challenge and a newline. */
  | 'newline';

export interface Receiver {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The URL of a callback answering in this mode, with the verify token it expects. */
  url(mode: ReceiverMode, token?: string): string;
  /** Every request received, in order: method, path and query (handshakes are GETs, deliveries POSTs). */
  requests: { method: string; path: string; query: URLSearchParams }[];
  close(): Promise<void>;
}

/**
 * A tiny webhook on 127.0.0.1 (port 0): `/<mode>/<token>` answers the Messenger subscribe handshake in
 * that mode. Tests of the handshake talk to it for real. In `echo` mode it also takes the event
 * deliveries POSTed to it (200), as a bot does.
 */
export async function startReceiver(): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams });
    const [, mode = '', token = ''] = url.pathname.split('/');
    const challenge = url.searchParams.get('hub.challenge') ?? '';
    const right =
      url.searchParams.get('hub.mode') === 'subscribe' &&
      url.searchParams.get('hub.verify_token') === decodeURIComponent(token);
    switch (mode as ReceiverMode | 'elsewhere') {
      case 'echo':
        if (req.method === 'POST') {
          req.resume();
          return res.end('EVENT_RECEIVED');
        }
        res.writeHead(right ? 200 : 403, { 'content-type': 'text/plain' });
        return res.end(right ? challenge : 'wrong token');
      case 'wrong':
        return res.end(`${challenge}0`);
      case 'error':
        res.writeHead(500);
        return res.end(challenge);
      case 'silent':
        return;
      case 'redirect':
        res.writeHead(302, { location: `/elsewhere/${token}?${url.searchParams}` });
        return res.end();
      case 'newline':
        return res.end(`${challenge}\n`);
      default:
        res.end(challenge); // `/elsewhere`: a redirect followed would succeed here
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (mode, token = 'the-verify-token') => `${origin}/${mode}/${encodeURIComponent(token)}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
