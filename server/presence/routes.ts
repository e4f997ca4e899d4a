import type { FastifyInstance } from 'fastify';
import type { PresenceResponse, SettingsResponse } from '../../protocol/api.ts';
import * as schemas from '../../protocol/schemas.ts';
import { authOf, parse } from '../http/validate.ts';
import type { PresenceService } from './service.ts';

/** Presence and the setting that hides it (docs/PROTOCOL.md, "Presence"). */
export function presenceRoutes(app: FastifyInstance, presence: PresenceService) {
  app.get('/api/presence', async (req): Promise<PresenceResponse> => {
    const { userIds } = parse(schemas.presenceQuery, req.query);
    return { presence: await presence.presenceFor(authOf(req).user.id, userIds) };
  });

  app.get(
    '/api/me/settings',
    async (req): Promise<SettingsResponse> => ({
      settings: await presence.settings(authOf(req).user.id),
    }),
  );

  app.patch('/api/me/settings', async (req): Promise<SettingsResponse> => {
    const body = parse(schemas.updateSettingsBody, req.body);
    return { settings: await presence.setShowPresence(authOf(req).user.id, body.showPresence) };
  });
}
