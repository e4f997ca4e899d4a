import { memo } from 'react';
import { linkify } from '../lib/linkify.ts';

/**
 * Message text as React text nodes, with web and mailto links as safe anchors. Never raw HTML. A link is laid out
 * left to right and isolated (`dir="ltr"`), so bidi controls in the text around it cannot reorder it.
 */
export const MessageText = memo(function MessageText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((seg, i) =>
        seg.kind === 'link' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of a fixed text
          <a key={i} href={seg.href} dir="ltr" target="_blank" rel="noopener noreferrer nofollow">
            {seg.text}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of a fixed text
          <span key={i}>{seg.text}</span>
        ),
      )}
    </>
  );
});
