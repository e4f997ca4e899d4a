import type { AuthContext } from '../accounts/service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person; set by the auth hook on every route that does not opt out. */
    auth: AuthContext | null;
  }
  interface FastifyContextConfig {
    /** false: the route is public (sign-up, sign-in, health, the web app). Default: authenticated. */
    auth?: boolean;
    /**
     * false: the per-address request limit does not apply; the route limits its callers its own way (the
     * Orders API: per app and page, like the Graph API, since a merchant's server is one address).
     */
    perAddress?: boolean;
  }
}
