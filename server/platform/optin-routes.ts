import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { OptinCheckResponse, OptinResponse, OptinsResponse, PageConsentResponse } from '../../protocol/optins.ts';
import { optinHows, optinLimits } from '../../protocol/optins.ts';
import * as schemas from '../../protocol/schemas.ts';
import type { SessionsService } from '../accounts/sessions.ts';
import { AppError, toAppError } from '../errors.ts';
import type { OptinFlows } from '../flows/optins.ts';
import { type CookiePolicy, readCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { authOf, parse } from '../http/validate.ts';
import type { PagesService } from '../pages/service.ts';
import { CHECKBOX_FRAME_JS, CHECKBOX_JS, frameCsp, frameHtml, frameLanguage, refusedHtml } from './checkbox.ts';
import type { OptinsService } from './optins.ts';

/** `POST /api/optins`: the checkbox sends `origin` (its embedding page's), the link flow `returnTo`. */
export const createOptinBody = z
  .strictObject({
    pageId: z.string().min(1).max(64),
    userRef: z.string().max(4096),
    ref: z.string().max(4096).optional(),
    origin: z.string().max(optinLimits.returnTo.max).optional(),
    returnTo: z.string().max(optinLimits.returnTo.max).optional(),
    how: z.enum(optinHows),
  })
  .refine((b) => (b.origin === undefined) !== (b.returnTo === undefined), 'origin or returnTo, not both');
/** `POST /api/optins/revoke`: the person unticks the box. */
export const revokeOptinBody = z.strictObject({ pageId: z.string().min(1).max(64), userRef: z.string().max(4096) });
/** `GET /api/optins/check`: the link flow's parameters, as its URL names them. */
export const checkOptinQuery = z.strictObject({
  page_id: z.string().min(1).max(64),
  user_ref: z.string().max(4096),
  ref: z.string().max(4096).optional(),
  return_to: z.string().max(optinLimits.returnTo.max),
});
/** `POST /api/pages/:id/consent`: stop or resume the page's updates, block or unblock it. */
export const pageConsentBody = z
  .strictObject({ updates: z.enum(['stopped', 'allowed']).optional(), blocked: z.boolean().optional() })
  .refine((b) => b.updates !== undefined || b.blocked !== undefined, 'updates or blocked');
/** The frame's query (`/plugins/checkbox?…`), as checkbox.js builds it. */
const frameQuery = z.looseObject({
  page_id: z.string().max(64).optional(),
  user_ref: z.string().max(4096).optional(),
  ref: z.string().max(4096).optional(),
  origin: z.string().max(optinLimits.returnTo.max).optional(),
  return_to: z.string().max(optinLimits.returnTo.max).optional(),
});

/** The plugin's scripts change with a release only: cached an hour. */
const SCRIPT_CACHE = 'public, max-age=3600';

/**
 * Opt-in at checkout over HTTP (docs/PLATFORM.md): the checkbox plugin's script and frame (no session
 * needed: the frame shows the box to a signed-in person, else the link), and the person's routes —
 * opting in, unticking, the link flow's check, their list, their standing with a page (stop updates, block).
 */
export function optinRoutes(
  app: FastifyInstance,
  flows: OptinFlows,
  optins: OptinsService,
  pages: PagesService,
  sessions: SessionsService,
  cookie: CookiePolicy,
) {
  const me = (req: FastifyRequest) => authOf(req).user.id;
  const open = { config: { auth: false } };

  app.get('/plugins/checkbox.js', open, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', SCRIPT_CACHE).send(CHECKBOX_JS),
  );
  app.get('/plugins/checkbox-frame.js', open, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', SCRIPT_CACHE).send(CHECKBOX_FRAME_JS),
  );

  // The frame. Whoever the request comes from, it is framed only by the origin it names, once that origin is
  // one of the page's whitelisted domains; anything wrong is said in the frame, framed by no one.
  app.get('/plugins/checkbox', open, async (req, reply) => {
    const lang = frameLanguage(req.headers['accept-language']);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    const q = frameQuery.safeParse(req.query ?? {});
    const query = q.success ? q.data : {};
    try {
      const pageId = query.page_id ?? '';
      const checked = await optins.check({
        pageId,
        userRef: query.user_ref ?? '',
        ref: query.ref,
        origin: query.origin ?? '',
      });
      const { userRef, ref, origin } = checked;
      const page = await pages.get(pageId);
      const person = await signedIn(req, sessions, cookie);
      const mine = person ? await optins.mine(person.id, pageId, userRef) : null;
      // Unique per page: a user_ref another person opted in with is refused here already.
      if (person && (await optins.takenByAnother(person.id, pageId, userRef))) throw new AppError('user_ref_taken');
      const link = new URLSearchParams({ page_id: pageId, user_ref: userRef });
      if (ref !== null) link.set('ref', ref);
      link.set('return_to', query.return_to ?? origin);
      return reply.header('content-security-policy', frameCsp(origin)).send(
        frameHtml({
          lang,
          pageId,
          pageName: page.name,
          userRef,
          ref,
          origin,
          person: person?.displayName ?? null,
          checked: mine !== null && mine.revokedAt === null,
          linkUrl: `/optin?${link}`,
        }),
      );
    } catch (e) {
      const err = toAppError(e);
      if (err.status >= 500) throw e;
      return reply
        .status(err.status)
        .header('content-security-policy', frameCsp(null))
        .send(refusedHtml(lang, err.message));
    }
  });

  app.post('/api/optins', async (req, reply): Promise<OptinResponse> => {
    const body = parse(createOptinBody, req.body);
    const r = await flows.optIn(me(req), body);
    reply.status(r.created ? 201 : 200);
    return { optin: r.optin, returnTo: r.returnTo };
  });
  app.post('/api/optins/revoke', async (req, reply) => {
    const body = parse(revokeOptinBody, req.body);
    await flows.revoke(me(req), body.pageId, body.userRef);
    return reply.status(204).send();
  });
  app.get('/api/optins', async (req): Promise<OptinsResponse> => flows.list(me(req)));
  app.get('/api/optins/check', async (req): Promise<OptinCheckResponse> => {
    const q = parse(checkOptinQuery, req.query);
    return flows.check(me(req), { pageId: q.page_id, userRef: q.user_ref, ref: q.ref, returnTo: q.return_to });
  });
  app.get(
    '/api/pages/:id/consent',
    async (req): Promise<PageConsentResponse> => ({
      consent: await flows.standing(me(req), parse(schemas.idParams, req.params).id),
    }),
  );
  app.post('/api/pages/:id/consent', async (req): Promise<PageConsentResponse> => {
    const { id } = parse(schemas.idParams, req.params);
    return { consent: await flows.decide(me(req), id, parse(pageConsentBody, req.body)) };
  });
}

/** The person signed in on this request, if any (the frame needs no session: without one it shows the link). */
async function signedIn(req: FastifyRequest, sessions: SessionsService, cookie: CookiePolicy) {
  const token = readCookie(req.cookies, SESSION_COOKIE, cookie.secure(req));
  if (!token) return null;
  try {
    return (await sessions.authenticate(token)).user;
  } catch (e) {
    if (e instanceof AppError && e.status < 500) return null;
    throw e;
  }
}
