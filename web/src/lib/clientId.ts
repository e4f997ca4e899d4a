import { limits } from '../../../protocol/limits.ts';

/** A fresh clientId for a message: 32 hex characters, within the protocol's 8–64 `[A-Za-z0-9_-]`. */
export function newClientId(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID().replaceAll('-', '');
  const bytes = c.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function isValidClientId(id: string): boolean {
  return id.length >= limits.clientId.min && id.length <= limits.clientId.max && limits.clientId.pattern.test(id);
}
