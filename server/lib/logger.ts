import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';

/** The logger every part of the server takes: Fastify's (pino). */
export type Logger = FastifyBaseLogger;

/**
 * A pino logger at `level`. The server logs to standard output; the CLI passes `'stderr'` so that a
 * warning (a slow write batch while a server shares the database) never mixes into the JSON a command prints.
 */
export function createLogger(level: string, to: 'stdout' | 'stderr' = 'stdout'): Logger {
  const logger = to === 'stderr' ? pino({ level }, pino.destination(2)) : pino({ level });
  return logger as unknown as Logger;
}
