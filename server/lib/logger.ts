import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';

/** The logger every part of the server takes: Fastify's (pino). */
export type Logger = FastifyBaseLogger;

export function createLogger(level: string): Logger {
  return pino({ level }) as unknown as Logger;
}
