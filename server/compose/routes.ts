import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  type ComposeAppResponse,
  type ComposeAppsResponse,
  type ComposeExtensionResponse,
  type ComposeResultsQuery,
  type ComposeResultsResponse,
  type ComposeSendBody,
  composeExtensionBody,
  composeLocale,
  composeResultsQuery,
  composeSendBody,
} from '../../protocol/compose.ts';
import type { MessageView } from '../../protocol/views.ts';
import { AppError } from '../errors.ts';
import { ownOrigin } from '../http/guards.ts';
import { authOf, parse } from '../http/validate.ts';
import type { ComposeExtensions } from './extensions.ts';
import { presentComposeApp, presentExtension } from './presenter.ts';
import type { Preview } from './previews.ts';

/** What the search, preview and send routes call: the content apps' flow (flows/content-apps.ts). */
export interface ContentAppsApi {
  results(
    userId: string,
    appId: string,
    query: ComposeResultsQuery & { locale: string },
    origin: string,
  ): Promise<ComposeResultsResponse>;
  preview(userId: string, appId: string, token: string): Promise<Preview>;
  send(
    userId: string,
    appId: string,
    body: ComposeSendBody & { locale: string },
    origin: string,
  ): Promise<{ message: MessageView; created: boolean }>;
}

const appParams = z.strictObject({ appId: z.string().min(1).max(64) });
const previewParams = z.strictObject({
  appId: z.string().min(1).max(64),
  token: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
});
export const iconQuery = z.strictObject({ v: z.string().max(20).optional() });

/** The request's language for the app: the first of Accept-Language that is a plain tag, else English. */
export function localeOf(req: FastifyRequest, given: string | undefined): string {
  if (given) return given;
  const first = (req.headers['accept-language'] ?? '').split(',')[0]?.split(';')[0]?.trim() ?? '';
  return composeLocale.safeParse(first).success && first !== '' ? first : 'en';
}

/**
 * Content apps (docs/PLATFORM.md, "Content apps"). The app's owner sets its compose extension on the app
 * (`/api/apps/:id/compose-extension`: anyone else is told `app_not_found`); people list the server's content
 * apps, enable or disable one for themselves, search one, open its previews and send a result
 * (`/api/compose-apps/…`). Thin: validate, call, present.
 */
export function composeRoutes(
  app: FastifyInstance,
  extensions: ComposeExtensions,
  flow: ContentAppsApi,
  publicOrigin: string | null,
) {
  const me = (req: FastifyRequest) => authOf(req).user.id;
  const appIdOf = (params: unknown) => parse(z.strictObject({ id: z.string().min(1).max(64) }), params).id;

  app.get('/api/apps/:id/compose-extension', async (req): Promise<ComposeExtensionResponse> => {
    const e = await extensions.get(me(req), appIdOf(req.params));
    return { extension: e ? presentExtension(e) : null };
  });

  app.put('/api/apps/:id/compose-extension', async (req): Promise<ComposeExtensionResponse> => {
    const id = appIdOf(req.params);
    const body = parse(composeExtensionBody, req.body);
    return { extension: presentExtension(await extensions.set(me(req), id, body)) };
  });

  app.delete('/api/apps/:id/compose-extension', async (req, reply) => {
    await extensions.remove(me(req), appIdOf(req.params));
    return reply.status(204).send();
  });

  app.get(
    '/api/compose-apps',
    async (req): Promise<ComposeAppsResponse> => ({
      apps: (await extensions.available(me(req))).map(presentComposeApp),
    }),
  );

  app.put('/api/compose-apps/:appId/enabled', async (req): Promise<ComposeAppResponse> => {
    const { appId } = parse(appParams, req.params);
    return { app: presentComposeApp(await extensions.enable(me(req), appId)) };
  });

  app.delete('/api/compose-apps/:appId/enabled', async (req): Promise<ComposeAppResponse> => {
    const { appId } = parse(appParams, req.params);
    return { app: presentComposeApp(await extensions.disable(me(req), appId)) };
  });

  /** The icon Comptoir stored (WebP): a `v` naming the current version may be kept for good. */
  app.get('/api/compose-apps/:appId/icon', async (req, reply) => {
    const { appId } = parse(appParams, req.params);
    const { v } = parse(iconQuery, req.query);
    const icon = await extensions.icon(appId);
    if (!icon) throw new AppError('app_not_found');
    const current = v === String(icon.updatedAt);
    return reply
      .type(icon.mime)
      .header('cache-control', current ? 'private, max-age=31536000, immutable' : 'private, no-cache')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(icon.bytes);
  });

  app.get('/api/compose-apps/:appId/results', async (req): Promise<ComposeResultsResponse> => {
    const { appId } = parse(appParams, req.params);
    const q = parse(composeResultsQuery, req.query);
    return flow.results(me(req), appId, { ...q, locale: localeOf(req, q.locale) }, ownOrigin(req, publicOrigin));
  });

  /** A result's preview, fetched from the app now and streamed: only to the person it was shown to. */
  app.get('/api/compose-apps/:appId/preview/:token', async (req, reply) => {
    const { appId, token } = parse(previewParams, req.params);
    const preview = await flow.preview(me(req), appId, token);
    reply
      .type(preview.mime)
      .header('cache-control', 'private, max-age=600')
      .header('content-security-policy', "default-src 'none'; sandbox");
    if (preview.length !== null) reply.header('content-length', String(preview.length));
    return reply.send(preview.body);
  });

  app.post('/api/compose-apps/:appId/send', async (req, reply) => {
    const { appId } = parse(appParams, req.params);
    const body = parse(composeSendBody, req.body);
    const r = await flow.send(
      me(req),
      appId,
      { ...body, locale: localeOf(req, body.locale) },
      ownOrigin(req, publicOrigin),
    );
    return reply.status(r.created ? 201 : 200).send({ message: r.message });
  });
}
