/** Only http(s) links leave the app (the server checks too: protocol/content.ts); anything else is null. */
export const safeUrl = (url: string | null): string | null => {
  if (!url) return null;
  try {
    const p = new URL(url).protocol;
    return p === 'https:' || p === 'http:' ? url : null;
  } catch {
    return null;
  }
};
