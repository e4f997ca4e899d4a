import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, toAppError } from '../errors.ts';

/** Fastify's own errors, by code, in the catalogue's terms. */
const fastifyCodes: Record<string, AppError['id']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'bad_request',
};

function fromFastify(e: FastifyError): AppError {
  const id = fastifyCodes[e.code];
  if (id) return new AppError(id);
  // JSON.parse failures surface as a SyntaxError with status 400.
  if (e instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message)))
    return new AppError('invalid_json');
  if (e.statusCode === 413) return new AppError('payload_too_large');
  if (e.statusCode === 415) return new AppError('unsupported_media_type');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new AppError('bad_request', e.message);
  return toAppError(e);
}

/** The one place where errors become HTTP answers: `{error: {id, message, details?}}`. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError, req, reply) => {
    const err = error instanceof AppError ? error : fromFastify(error as FastifyError);
    if (err.reportable) req.log.error({ err: err.cause ?? error }, err.message);
    else req.log.debug({ err: err.id }, 'request refused');
    if (err.id === 'rate_limited' && typeof err.details?.retryAfter === 'number') {
      reply.header('retry-after', String(err.details.retryAfter));
    }
    return reply.status(err.status).send({ error: err.toBody() });
  });
}

/**
 * Errors Fastify answers before any route or hook runs — a path it cannot decode (`%ED%A0%80`), a path
 * parameter over its length limit — in the same envelope (Fastify's `frameworkErrors` option).
 */
export function frameworkErrors(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const err =
    error.code === 'FST_ERR_BAD_URL'
      ? new AppError('bad_request', 'The URL is not valid')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new AppError('bad_request', 'A path parameter is too long')
        : toAppError(error);
  if (err.reportable) req.log.error({ err: error }, err.message);
  return reply.status(err.status).send({ error: err.toBody() });
}
