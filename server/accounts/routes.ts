import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { InstanceResponse, MeResponse, SessionsResponse, UsersResponse } from '../../protocol/api.ts';
import { limits } from '../../protocol/limits.ts';
import * as schemas from '../../protocol/schemas.ts';
import {
  type CookiePolicy,
  clearDeviceCookie,
  clearSessionCookie,
  DEVICE_COOKIE,
  readCookie,
  setDeviceCookie,
  setSessionCookie,
} from '../http/cookies.ts';
import { authOf, parse } from '../http/validate.ts';
import { presentSelf } from './presenter.ts';
import type { AccountsService, DeviceInfo, SignedIn } from './service.ts';
import type { AuthContext } from './sessions.ts';
import type { UserRecord } from './store.ts';

const device = (req: FastifyRequest): DeviceInfo => ({ userAgent: req.headers['user-agent'] ?? null, ip: req.ip });
const open = { config: { auth: false } };

/** What the routes ask of flows that span domains (server/flows/). */
export interface AccountsFlows {
  /** The display-name change, announced in every conversation of the person (flows/display-name.ts). */
  rename(auth: AuthContext, displayName: string): Promise<UserRecord>;
  /** The profile photo set (an upload's id) or removed (null), announced as a rename is (flows/profile-photo.ts). */
  setAvatar(auth: AuthContext, mediaId: string | null): Promise<UserRecord>;
  /** The account deleted, the password asked again (flows/account-deletion.ts). */
  deleteAccount(auth: AuthContext, password: string, ip: string | null): Promise<void>;
}

export function accountsRoutes(
  app: FastifyInstance,
  accounts: AccountsService,
  cookie: CookiePolicy,
  flows: AccountsFlows,
) {
  const { sessions } = accounts;
  const signedIn = (req: FastifyRequest, reply: Parameters<typeof setSessionCookie>[0], r: SignedIn) => {
    setSessionCookie(reply, req, r.token, r.session.expiresAt, cookie);
    if (r.deviceToken) setDeviceCookie(reply, req, r.deviceToken, cookie);
  };

  /** What the sign-in screen needs to know before anyone signs in. */
  app.get(
    '/api/instance',
    open,
    async (): Promise<InstanceResponse> => ({
      signup: accounts.signupOpen ? 'open' : 'closed',
    }),
  );

  app.post('/api/auth/signup', open, async (req, reply) => {
    const body = parse(schemas.signUpBody, req.body);
    const r = await accounts.signUp(body, device(req));
    signedIn(req, reply, r);
    return reply.status(201).send({ user: presentSelf(r.user) });
  });

  app.post('/api/auth/signin', open, async (req, reply) => {
    const body = parse(schemas.signInBody, req.body);
    const known = readCookie(req.cookies, DEVICE_COOKIE, cookie.secure(req));
    const r = await accounts.signIn(body.username, body.password, device(req), known);
    signedIn(req, reply, r);
    return { user: presentSelf(r.user) };
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
    return { user: presentSelf(await flows.rename(authOf(req), body.displayName)) };
  });

  app.post('/api/me/password', async (req, reply) => {
    const body = parse(schemas.changePasswordBody, req.body);
    await accounts.changePassword(authOf(req), body, req.ip);
    return reply.status(204).send();
  });

  app.delete('/api/me', async (req, reply) => {
    const body = parse(schemas.deleteAccountBody, req.body);
    await flows.deleteAccount(authOf(req), body.password, req.ip);
    clearSessionCookie(reply, req, cookie);
    clearDeviceCookie(reply, req, cookie);
    return reply.status(204).send();
  });

  app.put('/api/me/avatar', async (req) => {
    const body = parse(schemas.setAvatarBody, req.body);
    return { user: presentSelf(await flows.setAvatar(authOf(req), body.mediaId)) };
  });

  app.delete('/api/me/avatar', async (req) => ({
    user: presentSelf(await flows.setAvatar(authOf(req), null)),
  }));

  app.get(
    '/api/sessions',
    async (req): Promise<SessionsResponse> => ({
      sessions: await sessions.list(authOf(req)),
    }),
  );

  app.delete<{ Params: { id: string } }>('/api/sessions/:id', async (req, reply) => {
    const { id } = parse(schemas.idParams, req.params);
    await sessions.revokeOwn(authOf(req), id);
    return reply.status(204).send();
  });

  app.get('/api/users', async (req): Promise<UsersResponse> => {
    const { q } = parse(schemas.userSearchQuery, req.query);
    return { users: await accounts.searchUsers(authOf(req), q, limits.userSearch.results) };
  });
}
