import type { FastifyInstance, FastifyRequest } from 'fastify';
import { edgePaths, open, type PageCall, type ProfilePort } from './graph-call.ts';
import { presentProfile, readFieldList, readProfileBody } from './profile-body.ts';

/** What the Messenger Profile API asks of pages (a port: pages/profile.ts serves it). */

/**
 * The Messenger Profile API (docs/PLATFORM.md): `GET|POST|DELETE /{version}/me/messenger_profile` and
 * `/{version}/{page-id}/messenger_profile`, the version optional, authenticated as the Send API is
 * (guard.ts). `GET ?fields=get_started,greeting,…` answers `{data: [{…the fields set…}]}` (`{data: []}` when
 * none is); `POST` sets the fields of its body, each replaced whole; `DELETE {fields: […]}` removes them;
 * both answer `{result: "success"}`.
 */
export function messengerProfileRoutes(g: FastifyInstance, pageCall: PageCall, profiles: ProfilePort) {
  const read = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    const fields = readFieldList((req.query as Record<string, unknown>).fields, 'fields');
    const shown = presentProfile(await profiles.get(grant.pageId), fields);
    return { data: Object.keys(shown).length > 0 ? [shown] : [] };
  };
  const write = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    await profiles.set(grant.pageId, readProfileBody(req.body));
    return { result: 'success' };
  };
  const remove = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    // Clients send the list in the body; some send it in the query, as for a GET.
    const raw = typeof body === 'object' && 'fields' in body ? body.fields : (req.query as { fields?: unknown }).fields;
    await profiles.delete(grant.pageId, readFieldList(raw, 'fields'));
    return { result: 'success' };
  };

  for (const path of edgePaths('messenger_profile')) {
    g.get(path, open, read);
    g.post(path, open, write);
    g.delete(path, open, remove);
  }
}
