import type { UploadMediaResponse } from '../../../protocol/media.ts';
import { ApiError, isErrorId } from './http.ts';

/**
 * Uploads a file to `POST /api/media` (the raw bytes, the session's cookie), with its progress: a
 * XMLHttpRequest, since fetch tells nothing of an upload's progress. Answers the attachment the server
 * made of it, or throws ApiError with the catalogue's id (`network` when the server was not reached,
 * `unknown` for an answer that is not one of its errors).
 */
export function uploadMedia(
  file: File,
  o: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<UploadMediaResponse> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/media?name=${encodeURIComponent(file.name)}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) o.onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError('network', 0, 'network error'));
    xhr.onabort = () => reject(new ApiError('network', 0, 'aborted'));
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data !== null) {
        resolve(data as UploadMediaResponse);
        return;
      }
      const err = (data as { error?: { id?: unknown; message?: string; details?: Record<string, unknown> } } | null)
        ?.error;
      const id = isErrorId(err?.id) ? err.id : 'unknown';
      reject(new ApiError(id, xhr.status, err?.message ?? xhr.statusText, err?.details));
    };
    o.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
