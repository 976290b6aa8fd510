import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, FieldError, ProblemDetails, STATUS_BY_KIND } from '@crm/contracts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Turns any error into application/problem+json (RFC 9457) with a stable `code`. */
export function toProblem(error: unknown, instance?: string): ProblemDetails {
  if (error instanceof DomainError) {
    const status = STATUS_BY_KIND[error.kind];
    return problem(status, error.code, error.message, instance, error.errors);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response && 'message' in response
        ? [response.message].flat().join('; ')
        : error.message;
    return problem(status, `HTTP.${status}`, message, instance);
  }
  // Errors Fastify raises before Nest sees the request (malformed JSON, body too large, …).
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    return problem(status, status === 400 ? 'REQUEST.MALFORMED' : `HTTP.${status}`, fastifyError.message ?? TITLES[status], instance);
  }
  return problem(500, 'INTERNAL', 'An unexpected error occurred. It has been logged.', instance);
}

function problem(status: number, code: string, detail: string, instance?: string, errors?: FieldError[]): ProblemDetails {
  return {
    type: `https://crm.example.com/problems/${code.toLowerCase().replace(/[._]/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
    ...(errors?.length ? { errors } : {}),
  };
}

/**
 * The one HTTP exception filter of every process: services throw coded DomainErrors and never
 * HttpExceptions; unexpected errors are logged with their stack and answered as a 500 without
 * internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = toProblem(error, request.url);
    if (body.status >= 500) {
      this.logger.error(`${request.method} ${request.url} failed`, error instanceof Error ? error : new Error(String(error)));
    }
    const retryAfter = (error as { retryAfter?: unknown })?.retryAfter;
    if (body.status === HttpStatus.TOO_MANY_REQUESTS && typeof retryAfter === 'number') {
      reply.header('retry-after', String(retryAfter));
    }
    reply.status(body.status).header('content-type', 'application/problem+json').send(body);
  }
}
