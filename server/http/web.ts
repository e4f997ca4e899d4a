import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { ownOrigin } from './guards.ts';
import { cspFor, hstsFor } from './headers.ts';

/**
 * Serves the built web app (web/dist) with an index.html fallback for client-side URLs, and answers
 * unknown API paths with `not_found`. Without a build, `/` says how to make one. Every response gets the
 * security headers; HSTS when the server is reached over https.
 */
export async function registerWeb(app: FastifyInstance, dist: string, o: { publicOrigin: string | null }) {
  const hasBuild = fs.existsSync(path.join(dist, 'index.html'));
  // Every client-side URL answers the app's index.html (read once: a new build means a restart).
  const index = hasBuild ? fs.readFileSync(path.join(dist, 'index.html')) : null;
  app.addHook('onSend', async (req, reply, payload) => {
    const own = ownOrigin(req, o.publicOrigin);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    const hsts = hstsFor(own);
    if (hsts) reply.header('strict-transport-security', hsts);
    // A page that set its own policy keeps it: the opt-in checkbox's frame, which names who may frame it
    // (platform/checkbox.ts); every other page may be framed by no one.
    if (
      String(reply.getHeader('content-type') ?? '').startsWith('text/html') &&
      !reply.hasHeader('content-security-policy')
    ) {
      reply.header('content-security-policy', cspFor(own));
      reply.header('x-frame-options', 'DENY');
    }
    return payload;
  });
  if (hasBuild) {
    // The app's files are public (the sign-in screen is one of them): their routes opt out of auth.
    await app.register(async (files) => {
      files.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), auth: false };
      });
      await files.register(fastifyStatic, {
        root: dist,
        wildcard: false,
        index: false,
        cacheControl: false,
        setHeaders: (res, file) => {
          // Vite names assets by content hash: they never change.
          if (file.includes(`${path.sep}assets${path.sep}`))
            res.header('cache-control', 'public, max-age=31536000, immutable');
        },
      });
    });
  }
  app.setNotFoundHandler({}, (req, reply) => {
    const apiLike = req.url.startsWith('/api/') || req.url === '/api' || req.url.startsWith('/ws');
    if ((req.method === 'GET' || req.method === 'HEAD') && !apiLike) {
      if (index !== null) return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
      return reply
        .type('text/plain; charset=utf-8')
        .send('Comptoir is running, but the web app is not built: run `npm run build` (npm start does it).');
    }
    throw new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`);
  });
}
