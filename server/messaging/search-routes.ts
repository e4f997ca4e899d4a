import type { FastifyInstance } from 'fastify';
import type { MessageSearchResponse } from '../../protocol/api.ts';
import * as schemas from '../../protocol/schemas.ts';
import { authOf, parse } from '../http/validate.ts';
import type { MessageSearchService } from './search.ts';

/** `GET /api/search/messages`: a person's full-text search of their messages. */
export function messageSearchRoutes(app: FastifyInstance, search: MessageSearchService) {
  app.get('/api/search/messages', async (req): Promise<MessageSearchResponse> => {
    const q = parse(schemas.messageSearchQuery, req.query);
    return search.search(authOf(req).user.id, q);
  });
}
