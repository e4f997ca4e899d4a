/**
 * Local previews of my own images while their message is sending: the object URL the composer's tray made
 * of the file, by attachment id, so the pending bubble shows the picture at once instead of fetching it.
 * Released (URL revoked) once no pending message carries that attachment any more (app/outbox.ts).
 */
const previews = new Map<string, string>();

export function keepPreview(attachmentId: string, url: string): void {
  const old = previews.get(attachmentId);
  if (old && old !== url) URL.revokeObjectURL(old);
  previews.set(attachmentId, url);
}

export function localPreview(attachmentId: string): string | undefined {
  return previews.get(attachmentId);
}

/** Revokes every preview whose attachment is not in `inUse`. */
export function releasePreviews(inUse: ReadonlySet<string>): void {
  for (const [id, url] of previews) {
    if (inUse.has(id)) continue;
    URL.revokeObjectURL(url);
    previews.delete(id);
  }
}
