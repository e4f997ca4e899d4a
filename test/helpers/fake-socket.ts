import type { SocketPort } from '../../server/realtime/connection.ts';

/** A socket the gateway can be handed without a network: it keeps what it is sent. */
export interface FakeSocket extends SocketPort {
  /** What the client has not read yet: set it to make the server wait (catch-up pacing, budgets). */
  bufferedAmount: number;
  /** Every frame the server sent, in order. */
  readonly sent: string[];
  /** A text frame from the client, as `ws` hands it to the gateway. */
  receive(frame: unknown): void;
}

export function fakeSocket(): FakeSocket {
  let onMessage: ((data: Buffer, isBinary: boolean) => void) | null = null;
  const sent: string[] = [];
  const ws: FakeSocket = {
    readyState: 1,
    bufferedAmount: 0,
    sent,
    send: (frame) => {
      sent.push(frame);
    },
    ping: () => {},
    terminate: () => {},
    close: () => {},
    on(event: string, listener: (data: Buffer, isBinary: boolean) => void) {
      if (event === 'message') onMessage = listener;
      return ws;
    },
    receive(frame) {
      onMessage?.(Buffer.from(JSON.stringify(frame)), false);
    },
  };
  return ws;
}
