import type { MessageResponse } from '../../../protocol/api.ts';
import type {
  ComposeAppResponse,
  ComposeAppsResponse,
  ComposeExtensionBody,
  ComposeExtensionResponse,
  ComposeResultsResponse,
} from '../../../protocol/compose.ts';
import { request } from './http.ts';

/** Content apps over HTTP (docs/PLATFORM.md, "Content apps"): a person's drawer, and an app's extension for its owner. */

const enc = encodeURIComponent;

export interface ResultsQuery {
  q: string;
  offset?: string | null;
  replyTo?: string | null;
  locale: string;
}

const search = (o: ResultsQuery) => {
  const p = new URLSearchParams({ q: o.q, locale: o.locale });
  if (o.offset) p.set('offset', o.offset);
  if (o.replyTo) p.set('replyTo', o.replyTo);
  return p.toString();
};

export const composeApi = {
  apps: () => request<ComposeAppsResponse>('GET', '/api/compose-apps'),
  enable: (appId: string) => request<ComposeAppResponse>('PUT', `/api/compose-apps/${enc(appId)}/enabled`),
  disable: (appId: string) => request<ComposeAppResponse>('DELETE', `/api/compose-apps/${enc(appId)}/enabled`),
  results: (appId: string, o: ResultsQuery) =>
    request<ComposeResultsResponse>('GET', `/api/compose-apps/${enc(appId)}/results?${search(o)}`),
  send: (
    appId: string,
    body: {
      conversationId: string;
      clientId: string;
      resultId: string;
      q: string;
      offset?: string;
      replyTo?: string;
      locale: string;
    },
  ) => request<MessageResponse>('POST', `/api/compose-apps/${enc(appId)}/send`, body),
  extension: (appId: string) => request<ComposeExtensionResponse>('GET', `/api/apps/${enc(appId)}/compose-extension`),
  setExtension: (appId: string, body: ComposeExtensionBody) =>
    request<ComposeExtensionResponse>('PUT', `/api/apps/${enc(appId)}/compose-extension`, body),
  removeExtension: (appId: string) => request<void>('DELETE', `/api/apps/${enc(appId)}/compose-extension`),
};
