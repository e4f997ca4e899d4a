import type { ServerFrame } from '../../../protocol/frames.ts';
import { SocketClient } from '../api/socket.ts';
import { setConnection } from '../state/local.ts';
import { store } from '../state/store.ts';

/** The one socket of this tab. Frame handling is plugged in by session.ts (which needs the other modules). */
const hooks: { onFrame: (frame: ServerFrame) => void; onSessionEnded: () => void } = {
  onFrame: () => {},
  onSessionEnded: () => {},
};

export function setSocketHooks(h: typeof hooks): void {
  hooks.onFrame = h.onFrame;
  hooks.onSessionEnded = h.onSessionEnded;
}

export const socket = new SocketClient({
  getCursor: () => store.getSnapshot().cursor,
  onFrame: (frame) => hooks.onFrame(frame),
  onStatus: (status) => store.update((s) => setConnection(s, status)),
  onSessionEnded: () => hooks.onSessionEnded(),
});
