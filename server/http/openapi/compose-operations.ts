import { composeExtensionBody, composeResultsQuery, composeSendBody } from '../../../protocol/compose.ts';
import type { ErrorId } from '../../../protocol/errors.ts';
import { iconQuery } from '../../compose/routes.ts';
import type { composeAnswers } from './compose-views.ts';

/**
 * Content apps' routes (server/compose/routes.ts), as operations.ts describes every route (its Operation,
 * which operations.ts's spread checks; not imported here, so that the two files form no circle).
 */
interface ComposeOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  tag: 'apps' | 'compose';
  summary: string;
  description?: string;
  query?: typeof composeResultsQuery | typeof iconQuery;
  body?: typeof composeExtensionBody | typeof composeSendBody;
  ok: { [status: number]: keyof typeof composeAnswers | 'MessageResponse' | 'file' | null };
  errors: ErrorId[];
}

const enabled: ErrorId[] = ['app_not_found', 'content_app_not_enabled'];
const asking: ErrorId[] = [...enabled, 'message_not_found', 'app_query_timeout', 'app_query_failed'];

export const composeOperations: ComposeOperation[] = [
  {
    method: 'get',
    path: '/api/apps/:id/compose-extension',
    tag: 'apps',
    summary: "The app's compose extension (a content app), or null",
    ok: { 200: 'ComposeExtensionResponse' },
    errors: ['app_not_found'],
  },
  {
    method: 'put',
    path: '/api/apps/:id/compose-extension',
    tag: 'apps',
    summary: "Set the app's compose extension: stored once its icon was fetched and re-encoded",
    description:
      'The icon is fetched once, now, through the webhooks’ checks (no local or private address unless ' +
      'WEBHOOK_ALLOW_PRIVATE allows it, 10 s, 1 MiB), decoded and stored as a 128 px WebP that Comptoir serves. ' +
      '`app_icon_failed` says why in `details.reason`: address, timeout, unreachable, status, too_large, not_image. ' +
      'Counts against RATE_WEBHOOK_VERIFICATIONS_PER_HOUR. docs/PLATFORM.md, "Content apps".',
    body: composeExtensionBody,
    ok: { 200: 'ComposeExtensionResponse' },
    errors: ['app_not_found', 'app_icon_failed'],
  },
  {
    method: 'delete',
    path: '/api/apps/:id/compose-extension',
    tag: 'apps',
    summary: "Remove the app's compose extension: it leaves every drawer",
    ok: { 204: null },
    errors: ['app_not_found'],
  },
  {
    method: 'get',
    path: '/api/compose-apps',
    tag: 'compose',
    summary: 'The content apps of the server, by name, each with whether you turned it on',
    ok: { 200: 'ComposeAppsResponse' },
    errors: [],
  },
  {
    method: 'put',
    path: '/api/compose-apps/:appId/enabled',
    tag: 'compose',
    summary: 'Turn a content app on for you (in your drawer, searchable with @name)',
    ok: { 200: 'ComposeAppResponse' },
    errors: ['app_not_found'],
  },
  {
    method: 'delete',
    path: '/api/compose-apps/:appId/enabled',
    tag: 'compose',
    summary: 'Turn a content app off for you',
    ok: { 200: 'ComposeAppResponse' },
    errors: ['app_not_found'],
  },
  {
    method: 'get',
    path: '/api/compose-apps/:appId/icon',
    tag: 'compose',
    summary: "A content app's icon: Comptoir's copy (WebP)",
    description: 'With `v` naming the current version (as `icon` gives it), it may be cached for good.',
    query: iconQuery,
    ok: { 200: 'file' },
    errors: ['app_not_found'],
  },
  {
    method: 'get',
    path: '/api/compose-apps/:appId/results',
    tag: 'compose',
    summary: 'Search a content app you turned on: a page of results',
    description:
      'Comptoir POSTs the query to the app, signed with its secret, and keeps its answer for its `cacheTime` ' +
      '(at most 300 s). `nextOffset`: the next page’s `offset`. `replyTo`: a message you may read, answered with ' +
      'the app (its context goes to the app). The app did not answer in time: `504 app_query_timeout`; its ' +
      'answer is unusable: `502 app_query_failed` with `details.reason`. docs/PLATFORM.md, "Content apps".',
    query: composeResultsQuery,
    ok: { 200: 'ComposeResultsResponse' },
    errors: [...asking, 'rate_limited'],
  },
  {
    method: 'get',
    path: '/api/compose-apps/:appId/preview/:token',
    tag: 'compose',
    summary: "A result's preview, fetched from the app now and streamed (the person it was shown to only)",
    description:
      'An image (GIF, PNG, JPEG, WebP) or a video (MP4, WebM), its type from its bytes, with ' +
      "`Content-Security-Policy: default-src 'none'; sandbox`. Another person's link, or one older than 15 " +
      'minutes: `404 not_found`.',
    ok: { 200: 'file' },
    errors: [...enabled, 'not_found', 'app_query_failed', 'media_fetch_failed'],
  },
  {
    method: 'post',
    path: '/api/compose-apps/:appId/send',
    tag: 'compose',
    summary:
      'Send a result the app returned to you as your message, "via" the app (201; 200 for a clientId sent before)',
    description:
      'The result is looked up in the answer kept for that search (`q`, `offset`, `replyTo`, `locale`), or the app ' +
      'is asked again; its media is fetched and stored by Comptoir, then sent with `via: {appId, name}`, quoting ' +
      '`replyTo`. Nothing is stored when the media cannot be fetched.',
    body: composeSendBody,
    ok: { 200: 'MessageResponse', 201: 'MessageResponse' },
    errors: [
      ...asking,
      'app_result_not_found',
      'conversation_not_found',
      'not_member',
      'client_id_conflict',
      'media_fetch_failed',
      'media_too_large',
      'media_type_mismatch',
      'media_corrupt',
      'media_too_many_pixels',
      'rate_limited',
    ],
  },
];
