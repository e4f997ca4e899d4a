import type { AppPageView, AppView, WebhookView } from '../../protocol/views.ts';
import { iso } from '../accounts/presenter.ts';
import type { AppRecord, PageTokenRecord, WebhookRecord } from './store.ts';

export function presentApp(a: AppRecord): AppView {
  return { id: a.id, name: a.name, createdAt: iso(a.createdAt) };
}

/** The verify token is not shown back: the developer chose it, and the handshake is over. */
export function presentWebhook(w: WebhookRecord): WebhookView {
  const view: WebhookView = {
    url: w.url,
    fields: w.fields,
    verified: w.verifiedAt !== null && w.disabledAt === null,
    verifiedAt: w.verifiedAt === null ? null : iso(w.verifiedAt),
  };
  if (w.disabledAt !== null) view.disabled = { at: iso(w.disabledAt), reason: w.disabledReason };
  return view;
}

/** A page the app holds an active token for (the token itself was shown once, when made). */
export function presentAppPage(t: PageTokenRecord): AppPageView {
  return { pageId: t.pageId, connectedAt: iso(t.createdAt) };
}
