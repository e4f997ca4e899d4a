import type { Translate } from '../i18n/translate.ts';

/**
 * A person's name as shown: a deleted account's is empty (the server keeps nothing of them) and reads
 * "Deleted account"; an unknown person's (null) "Unknown person".
 */
export function shownName(name: string | null | undefined, t: Translate): string {
  if (name === '') return t('user.deleted');
  return name ?? t('conversation.unknownUser');
}
