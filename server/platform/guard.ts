import type { FastifyRequest } from 'fastify';
import { RateLimiter } from '../lib/ratelimit.ts';
import { graph } from './graph-errors.ts';

/** What the Graph API asks of apps (a port: apps/service.ts serves it). */
export interface GraphAuth {
  /** The app and page a page access token grants (it is active), or null. */
  grant(accessToken: string): Promise<{ appId: string; pageId: string } | null>;
  /** Whether `proof` is HMAC-SHA256(app secret, access token), hex. */
  checkProof(appId: string, accessToken: string, proof: string): Promise<boolean>;
}

export interface Grant {
  appId: string;
  pageId: string;
}

/** `v2.9`, `v19.0`…: any version a client sends is served the same. */
const VERSION = /^v[0-9]{1,2}\.[0-9]{1,2}$/;

/**
 * What every Graph route checks before its own work, in this order: the path's version (any
 * `v<major>.<minor>`, or none), the page access token (`?access_token=` or `Authorization: Bearer`) and
 * its `appsecret_proof` when one is sent, that a `/{page-id}/…` path names the token's page, and the
 * calls of the app and page (one budget for all their Graph routes: `RATE_GRAPH_CALLS_PER_SECOND`).
 */
export class GraphGuard {
  private readonly calls: RateLimiter;

  constructor(
    private readonly auth: GraphAuth,
    callsPerSecond: number,
  ) {
    this.calls = new RateLimiter(callsPerSecond * 10, 10_000);
  }

  /** The token's app and page, or a Graph error; `pagePath` is the page id of a `/{page-id}/…` path. */
  async page(req: FastifyRequest, pagePath: string | null): Promise<Grant> {
    const params = req.params as { version?: string };
    if (params.version !== undefined && !VERSION.test(params.version)) throw graph.unknownPath();
    const grant = await this.authenticate(req);
    if (pagePath !== null && pagePath !== grant.pageId) throw graph.token('The access token is not this page’s');
    if (this.calls.take(`${grant.appId}\u0000${grant.pageId}`) > 0) throw graph.rate();
    return grant;
  }

  /** The token from `?access_token=` or `Authorization: Bearer`, its grant, and its proof when one is sent. */
  private async authenticate(req: FastifyRequest): Promise<Grant> {
    const query = req.query as Record<string, unknown>;
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
    const fromQuery = typeof query.access_token === 'string' ? query.access_token : undefined;
    const token = fromQuery ?? bearer;
    if (!token || token.length > 512)
      throw graph.token('An active access token must be used to query information about the current user.');
    const grant = await this.auth.grant(token);
    if (!grant) throw graph.token();
    const proof = query.appsecret_proof;
    if (proof !== undefined) {
      if (typeof proof !== 'string' || !(await this.auth.checkProof(grant.appId, token, proof))) throw graph.proof();
    }
    return grant;
  }
}
