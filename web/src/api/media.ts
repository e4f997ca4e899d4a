import type { AttachmentView, UploadMediaResponse } from '../../../protocol/media.ts';
import { ApiError, failure } from './http.ts';

/**
 * `POST /api/media`: the file's bytes as the body, its name (and a voice clip's measures) in the query.
 * XMLHttpRequest rather than fetch, for the upload's progress. Answers the attachment, or rejects with an
 * ApiError (the server's error id; `network` when it could not be reached); `abort()` rejects with an
 * UploadAborted, which the caller ignores.
 */

export interface UploadOptions {
  name?: string;
  /** A voice clip recorded in the app: its duration and waveform bars (0–255). */
  voice?: { durationMs: number; waveform: readonly number[] };
  /** Bytes sent so far (of `body.size`). */
  onProgress?: (sent: number) => void;
}

export interface Upload {
  done: Promise<AttachmentView>;
  abort(): void;
}

export class UploadAborted extends Error {
  constructor() {
    super('upload aborted');
    this.name = 'UploadAborted';
  }
}

/** The query string of an upload (protocol/media.ts's uploadMediaQuery). */
export function uploadQuery(opts: Pick<UploadOptions, 'name' | 'voice'>): string {
  const q = new URLSearchParams();
  if (opts.name) q.set('name', opts.name);
  if (opts.voice) {
    q.set('voice', '1');
    q.set('durationMs', String(Math.max(1, Math.round(opts.voice.durationMs))));
    if (opts.voice.waveform.length > 0) q.set('waveform', opts.voice.waveform.join(','));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Uploads of this tab on the wire at once. The server takes 4 per account at a time and refuses a fifth
 * (server/media/service.ts): 3 here leaves one for another device, and ten files picked together queue
 * instead of failing.
 */
export const UPLOADS_AT_ONCE = 3;
let running = 0;
const queue: (() => void)[] = [];

function startQueued(): void {
  while (running < UPLOADS_AT_ONCE && queue.length > 0) {
    running++;
    queue.shift()?.();
  }
}

export function uploadMedia(body: Blob, opts: UploadOptions = {}): Upload {
  const xhr = new XMLHttpRequest();
  let state: 'queued' | 'sending' | 'over' = 'queued';
  let refuse: (e: Error) => void = () => {};
  const begin = () => {
    state = 'sending';
    send(xhr, body, opts);
  };
  const done = new Promise<AttachmentView>((resolve, reject) => {
    refuse = reject;
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      const attachment = (data as Partial<UploadMediaResponse> | null)?.attachment;
      if (xhr.status >= 200 && xhr.status < 300 && attachment) resolve(attachment);
      else reject(failure(xhr.status, xhr.statusText, data));
    };
    xhr.onerror = () => reject(new ApiError('network', 0, 'network error'));
    xhr.onabort = () => reject(new UploadAborted());
  });
  // However it ends, its place goes to the next upload in line.
  const finish = () => {
    if (state === 'sending') {
      running--;
      startQueued();
    }
    state = 'over';
  };
  done.then(finish, finish);
  queue.push(begin);
  startQueued();
  return {
    done,
    abort: () => {
      if (state === 'sending') xhr.abort();
      else if (state === 'queued') {
        queue.splice(queue.indexOf(begin), 1);
        refuse(new UploadAborted());
      }
    },
  };
}

function send(xhr: XMLHttpRequest, body: Blob, opts: UploadOptions): void {
  xhr.open('POST', `/api/media${uploadQuery(opts)}`);
  xhr.setRequestHeader('Accept', 'application/json');
  // Only a hint: the server reads the type from the bytes.
  xhr.setRequestHeader('Content-Type', body.type || 'application/octet-stream');
  xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded);
  xhr.send(body);
}
