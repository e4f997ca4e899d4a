import type { FastifyInstance } from 'fastify';
import type { EventsResponse } from '../../protocol/api.ts';
import * as schemas from '../../protocol/schemas.ts';
import { authOf, parse } from '../http/validate.ts';
import type { EventFeed } from './feed.ts';

export function eventsRoutes(app: FastifyInstance, feed: EventFeed) {
  /** The person's feed after a cursor: what a client that cannot keep a socket open polls. */
  app.get('/api/events', async (req): Promise<EventsResponse> => {
    const q = parse(schemas.eventsQuery, req.query);
    return feed.feed(authOf(req).user.id, q.after, q.limit);
  });
}
