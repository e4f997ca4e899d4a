import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DeliveriesResponse, DeliveryQueuedResponse, DeliveryResponse } from '../../protocol/api.ts';
import * as schemas from '../../protocol/schemas.ts';
import { authOf, parse } from '../http/validate.ts';
import type { WebhookDeliveries } from './service.ts';

const deliveryParams = z.strictObject({ id: schemas.id, deliveryId: schemas.id });
/** `GET /api/apps/:id/deliveries`: a page of the log (exported for the OpenAPI description). */
export const listQuery = z.strictObject({
  before: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
/** `POST /api/apps/:id/webhook/test`: the page the sample event names (default: one the app is connected to). */
export const testBody = z.strictObject({ pageId: schemas.id.optional() }).default({});

/** An app's delivery log, replays and test events: its owner's only (anyone else: `404 app_not_found`). */
export function webhookRoutes(app: FastifyInstance, deliveries: WebhookDeliveries) {
  const me = (req: FastifyRequest) => authOf(req).user.id;

  app.get('/api/apps/:id/deliveries', async (req): Promise<DeliveriesResponse> => {
    const { id } = parse(schemas.idParams, req.params);
    const q = parse(listQuery, req.query);
    return deliveries.list(me(req), id, q.before ?? null, q.limit);
  });

  app.get('/api/apps/:id/deliveries/:deliveryId', async (req): Promise<DeliveryResponse> => {
    const p = parse(deliveryParams, req.params);
    return { delivery: await deliveries.get(me(req), p.id, p.deliveryId) };
  });

  app.post('/api/apps/:id/deliveries/:deliveryId/replay', async (req, reply): Promise<DeliveryQueuedResponse> => {
    const p = parse(deliveryParams, req.params);
    await deliveries.replay(me(req), p.id, p.deliveryId);
    reply.status(202);
    return { queued: true };
  });

  app.post('/api/apps/:id/webhook/test', async (req, reply): Promise<DeliveryQueuedResponse> => {
    const { id } = parse(schemas.idParams, req.params);
    const body = parse(testBody, req.body ?? {});
    await deliveries.test(me(req), id, body.pageId);
    reply.status(202);
    return { queued: true };
  });
}
