import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Storage } from '../storage/types.ts';
import { fieldsOf, open, type PageCall, pick } from './graph-call.ts';
import { graph } from './graph-errors.ts';

/**
 * The user profile (docs/PLATFORM.md): `GET /{version}/{PSID}?fields=…` with a page access token answers
 * what the page may know of a person who wrote to it — only for a PSID of that page, only the fields
 * asked, `id` always.
 */

/** The fields Messenger's user profile has. Comptoir knows names; the others are never answered. */
export const PROFILE_FIELDS = ['name', 'first_name', 'last_name', 'profile_pic', 'locale', 'timezone', 'gender'];
/** Without `fields`, what the Graph API answers of a node: its id and name. */
const DEFAULT_FIELDS = ['name'];

/**
 * Comptoir keeps one display name, not a first and a last name: the first name is the display name up to
 * its first white space, the last name the rest (empty for a one-word name). "Jean-Luc Picard" → "Jean-Luc",
 * "Picard"; "Marie de La Tour" → "Marie", "de La Tour".
 */
export function splitName(displayName: string): { first: string; last: string } {
  const name = displayName.trim();
  const at = name.search(/\s/);
  return at < 0 ? { first: name, last: '' } : { first: name.slice(0, at), last: name.slice(at).trim() };
}

/** PSIDs are digits: other one-segment paths are the web app's. */
const PSID = '(^[0-9]{1,32}$)';

export function profileRoutes(g: FastifyInstance, pageCall: PageCall, storage: Storage) {
  const profile = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    const fields = fieldsOf(req, PROFILE_FIELDS, 'User', DEFAULT_FIELDS);
    const { psid } = req.params as { psid: string };
    const r = storage.reader;
    const userId = await r.pages.userByPsid(grant.pageId, psid);
    const user = userId ? await r.accounts.userById(userId) : null;
    if (!user) throw graph.unknownObject(psid);
    const { first, last } = splitName(user.displayName);
    // profile_pic, locale, timezone, gender: Comptoir has none of them (docs/PLATFORM.md, differences).
    return pick({ id: psid, name: user.displayName, first_name: first, last_name: last }, fields);
  };
  const version = '/:version(^v[0-9]{1,2}\\.[0-9]{1,2}$)';
  g.get(`${version}/:psid${PSID}`, open, profile);
  g.get(`/:psid${PSID}`, open, profile);
  // Any other node under a version (an account id, a page's id…) is none the page may read.
  g.get(`${version}/:id`, open, async (req) => {
    await pageCall(req);
    throw graph.unknownObject((req.params as { id: string }).id);
  });
}
