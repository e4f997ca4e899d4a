import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BlockResponse, BlocksResponse } from '../../protocol/api.ts';
import * as schemas from '../../protocol/schemas.ts';
import { authOf, parse } from '../http/validate.ts';
import type { BlocksService } from './service.ts';

/** The signed-in person's blocks: list, block, unblock (docs/PROTOCOL.md, "Blocking"). */
export function blocksRoutes(app: FastifyInstance, blocks: BlocksService) {
  const me = (req: FastifyRequest) => authOf(req).user.id;

  app.get('/api/blocks', async (req): Promise<BlocksResponse> => ({ blocks: await blocks.list(me(req)) }));

  app.post('/api/blocks', async (req): Promise<BlockResponse> => {
    const { userId } = parse(schemas.blockBody, req.body);
    return { block: await blocks.block(me(req), userId) };
  });

  app.delete('/api/blocks/:userId', async (req, reply) => {
    const { userId } = parse(schemas.blockParams, req.params);
    await blocks.unblock(me(req), userId);
    return reply.status(204).send();
  });
}
