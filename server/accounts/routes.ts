import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MeResponse, SessionsResponse, UsersResponse } from '../../protocol/api.ts';
import { limits } from '../../protocol/limits.ts';
import * as schemas from '../../protocol/schemas.ts';
import { type CookiePolicy, clearSessionCookie, setSessionCookie } from '../http/cookies.ts';
import { authOf, parse } from '../http/validate.ts';
import { presentSelf } from './presenter.ts';
import type { AccountsService, DeviceInfo } from './service.ts';

const device = (req: FastifyRequest): DeviceInfo => ({ userAgent: req.headers['user-agent'] ?? null, ip: req.ip });
const open = { config: { auth: false } };

export function accountsRoutes(app: FastifyInstance, accounts: AccountsService, cookie: CookiePolicy) {
  app.post('/api/auth/signup', open, async (req, reply) => {
    const body = parse(schemas.signUpBody, req.body);
    const { user, token } = await accounts.signUp(body, device(req));
    setSessionCookie(reply, req, token, cookie);
    return reply.status(201).send({ user: presentSelf(user) });
  });

  app.post('/api/auth/signin', open, async (req, reply) => {
    const body = parse(schemas.signInBody, req.body);
    const { user, token } = await accounts.signIn(body.username, body.password, device(req));
    setSessionCookie(reply, req, token, cookie);
    return { user: presentSelf(user) };
  });

  app.post('/api/auth/signout', async (req, reply) => {
    await accounts.signOut(authOf(req));
    clearSessionCookie(reply, req, cookie);
    return reply.status(204).send();
  });

  app.get('/api/me', async (req): Promise<MeResponse> => {
    const auth = authOf(req);
    return { user: presentSelf(auth.user), sessionId: auth.session.id };
  });

  app.patch('/api/me', async (req) => {
    const body = parse(schemas.updateProfileBody, req.body);
    return { user: presentSelf(await accounts.updateDisplayName(authOf(req), body.displayName)) };
  });

  app.get(
    '/api/sessions',
    async (req): Promise<SessionsResponse> => ({
      sessions: await accounts.listSessions(authOf(req)),
    }),
  );

  app.delete<{ Params: { id: string } }>('/api/sessions/:id', async (req, reply) => {
    const { id } = parse(schemas.idParams, req.params);
    await accounts.revokeSession(authOf(req), id);
    return reply.status(204).send();
  });

  app.get('/api/users', async (req): Promise<UsersResponse> => {
    const { q } = parse(schemas.userSearchQuery, req.query);
    return { users: await accounts.searchUsers(authOf(req), q, limits.userSearch.results) };
  });
}
