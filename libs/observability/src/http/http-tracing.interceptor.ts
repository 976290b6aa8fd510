import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { catchError, type Observable, throwError } from 'rxjs';
import { noteRequestError } from './http-hooks';

/**
 * Attaches the exception a handler threw to the request's SERVER span (the span itself comes from
 * the Fastify hooks); exception filters then decide the status, which sets the span status.
 */
@Injectable()
export class HttpTracingInterceptor implements NestInterceptor {
  intercept(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (executionContext.getType() !== 'http') return next.handle();
    const request = executionContext.switchToHttp().getRequest<FastifyRequest>();
    return next.handle().pipe(
      catchError((error: unknown) => {
        noteRequestError(request, error);
        return throwError(() => error);
      }),
    );
  }
}
