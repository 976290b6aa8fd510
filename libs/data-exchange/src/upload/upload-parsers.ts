import { Readable } from 'node:stream';
import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ImportError, ImportErrorCode } from '../data-exchange.errors';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../spreadsheet/detect-format';

/**
 * Content types sent as a raw upload: the request body is the file itself, e.g.
 * `POST /customers/imports?fileName=x.xlsx` with `content-type: text/csv` — simple for scripts and
 * for a browser's fetch. `application/vnd.ms-excel` is what browsers on Windows send for .csv.
 */
export const UPLOAD_CONTENT_TYPES = [CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, 'application/octet-stream', 'application/vnd.ms-excel'] as const;

/**
 * Lets requests with an upload content type reach their handler with the unread request stream
 * as `request.body` (no buffering, no body limit here: the handler bounds what it stores, see
 * saveUpload). JSON bodies are parsed, limited and guarded as before. Call it before listen, e.g.
 * through `runService({ configure: (app) => installUploadParsers(app.getHttpAdapter().getInstance()) })`.
 */
export function installUploadParsers(fastify: FastifyInstance): void {
  for (const type of UPLOAD_CONTENT_TYPES) {
    if (fastify.hasContentTypeParser(type)) continue;
    fastify.addContentTypeParser(type, (_request: FastifyRequest, payload: unknown, done: (error: Error | null, body?: unknown) => void) => done(null, payload));
  }
}

export function isUploadStream(body: unknown): body is Readable {
  return body instanceof Readable;
}

/** The raw upload of a request, or a 400 saying how to send one (a JSON or form body is not a file). */
export function uploadStream(request: Pick<FastifyRequest, 'body'>): Readable {
  if (!isUploadStream(request.body)) {
    throw new ImportError(
      ImportErrorCode.NotAnUpload,
      `Send the file itself as the request body with content-type ${CSV_CONTENT_TYPE}, ${XLSX_CONTENT_TYPE} or application/octet-stream.`,
    );
  }
  return request.body;
}

/** Handler parameter: the upload stream of the request (`@UploadBody() file: Readable`). */
export const UploadBody = createParamDecorator((_data: unknown, context: ExecutionContext): Readable =>
  uploadStream(context.switchToHttp().getRequest<FastifyRequest>()),
);

/** Documents a raw-upload operation in the OpenAPI document. */
export function ApiUpload(description = 'The .xlsx or .csv file (UTF-8) as the request body') {
  return applyDecorators(
    ApiConsumes(XLSX_CONTENT_TYPE, CSV_CONTENT_TYPE, 'application/octet-stream'),
    ApiBody({ description, schema: { type: 'string', format: 'binary' } }),
  );
}
