import { limits } from './limits.ts';

/**
 * One emoji, as a reaction takes it: a single RGI emoji (Unicode's recommended-for-general-interchange
 * set: ZWJ sequences, skin tones, flags, keycaps included), at most `limits.reactions.emojiBytes` UTF-8
 * bytes. Built with `new RegExp` (not a literal): the `v` flag is ES2024, beyond the compiler's target.
 */
// biome-ignore lint/complexity/useRegexLiterals: a literal with the `v` flag does not compile for ES2023.
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const VS16 = '\uFE0F';

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * The emoji as stored, or null when `input` is not one emoji. A symbol written without its emoji
 * variation selector (`❤` U+2764, as some keyboards type it) is taken as its emoji form (`❤️`), so that
 * one heart is one reaction whichever way it was typed.
 */
export function toReactionEmoji(input: string): string | null {
  if (input.length === 0 || input.length > limits.reactions.emojiBytes) return null;
  const candidates = RGI_EMOJI.test(input) ? [input] : [`${input}${VS16}`];
  for (const c of candidates) {
    if (RGI_EMOJI.test(c) && utf8Bytes(c) <= limits.reactions.emojiBytes) return c;
  }
  return null;
}
