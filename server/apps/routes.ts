import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type {
  AppResponse,
  AppSecretResponse,
  AppsResponse,
  PageAccessTokenResponse,
  WebhookResponse,
} from '../../protocol/api.ts';
import * as schemas from '../../protocol/schemas.ts';
import { authOf, parse } from '../http/validate.ts';
import { presentApp, presentAppPage, presentWebhook } from './presenter.ts';
import type { AppsService } from './service.ts';

type Id = { Params: { id: string } };

/** Developer apps, their owner's only (anyone else: `404 app_not_found`). docs/PLATFORM.md. */
export function appsRoutes(app: FastifyInstance, apps: AppsService) {
  const me = (req: FastifyRequest) => authOf(req).user.id;
  const idOf = (params: unknown) => parse(schemas.idParams, params).id;

  app.post('/api/apps', async (req, reply) => {
    const { name } = parse(schemas.createAppBody, req.body);
    const r = await apps.create(me(req), name);
    return reply.status(201).send({ app: presentApp(r.app), secret: r.secret } satisfies AppSecretResponse);
  });

  app.get('/api/apps', async (req): Promise<AppsResponse> => ({ apps: (await apps.list(me(req))).map(presentApp) }));

  app.get<Id>('/api/apps/:id', async (req): Promise<AppResponse> => {
    const r = await apps.get(me(req), idOf(req.params));
    return {
      app: presentApp(r.app),
      webhook: r.webhook ? presentWebhook(r.webhook) : null,
      pages: r.pages.map(presentAppPage),
    };
  });

  app.post<Id>('/api/apps/:id/secret', async (req): Promise<AppSecretResponse> => {
    const r = await apps.rotateSecret(me(req), idOf(req.params));
    return { app: presentApp(r.app), secret: r.secret };
  });

  app.put<Id>('/api/apps/:id/webhook', async (req): Promise<WebhookResponse> => {
    const id = idOf(req.params);
    const body = parse(schemas.setWebhookBody, req.body);
    return { webhook: presentWebhook(await apps.setWebhook(me(req), id, body)) };
  });

  app.delete<Id>('/api/apps/:id/webhook', async (req, reply) => {
    await apps.deleteWebhook(me(req), idOf(req.params));
    return reply.status(204).send();
  });

  /** Connects the app to a page its owner runs as admin: a new page access token, shown once. */
  app.post('/api/apps/:id/pages/:pageId', async (req, reply): Promise<PageAccessTokenResponse> => {
    const p = parse(pageParams, req.params);
    const { token } = await apps.connect(me(req), p.id, p.pageId);
    reply.status(201);
    return { pageAccessToken: token };
  });

  /** Revokes the app's token for the page: its calls fail (190) from now on. */
  app.delete('/api/apps/:id/pages/:pageId', async (req, reply) => {
    const p = parse(pageParams, req.params);
    await apps.revokePageToken(me(req), p.id, p.pageId);
    return reply.status(204).send();
  });
}

const pageParams = z.strictObject({ id: schemas.id, pageId: schemas.id });
