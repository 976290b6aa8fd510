import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FieldError } from '@crm/contracts';
import { RequestValidationError } from './validation';

/** Deeper JSON is never a CRM payload; parsing and validating it would recurse for nothing. */
export const MAX_JSON_DEPTH = 32;
/**
 * C0 controls and DEL other than tab, line feed and carriage return. SQL dialects cut a statement
 * at a NUL (MikroORM writes values into the statement text), and no field of the CRM holds them.
 */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Field errors for every string (keys included) holding a control character, and for nesting
 * deeper than MAX_JSON_DEPTH (reported once, where it first goes too deep). Iterative.
 */
export function hostileInputErrors(value: unknown, where: 'body' | 'query' | 'params'): FieldError[] {
  const found: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path: at, depth } = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) {
      if (!found.some((error) => error.message.startsWith('is nested'))) {
        found.push({ field: at || `(${where})`, message: `is nested deeper than ${MAX_JSON_DEPTH} levels` });
      }
      continue;
    }
    if (typeof current === 'string') {
      if (CONTROL_CHARACTERS.test(current)) found.push({ field: at || `(${where})`, message: 'must not contain control characters' });
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: `${at}[${index}]`, depth: depth + 1 }));
    } else if (current && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const field = at ? `${at}.${key}` : key;
        if (CONTROL_CHARACTERS.test(key)) found.push({ field, message: 'must not contain control characters' });
        else stack.push({ value: item, path: field, depth: depth + 1 });
      }
    }
  }
  return found;
}

/**
 * A raw upload (a file as the request body, left unread as a stream) or binary content: not parsed
 * input, and walking a stream's properties would wander through its socket. Whoever reads it
 * checks its content.
 */
function isRawBody(body: unknown): boolean {
  return body instanceof Readable || body instanceof Uint8Array;
}

/**
 * Hostile input is refused at the edge of every process, before any pipe, handler or query sees
 * it: bodies nested deeper than MAX_JSON_DEPTH, and control characters in the body, the query
 * string or the path parameters, each a 400 VALIDATION.FAILED naming the field (never a 500).
 * One iterative walk over what Fastify parsed; validation would otherwise recurse into it.
 * Raw uploads (streams) are left to their handler.
 */
export function installInputGuards(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request: FastifyRequest) => {
    const bad = [
      ...(isRawBody(request.body) ? [] : hostileInputErrors(request.body, 'body')),
      ...hostileInputErrors(request.query ?? {}, 'query'),
      ...hostileInputErrors(request.params ?? {}, 'params'),
    ];
    if (bad.length > 0) throw new RequestValidationError(bad);
  });
}
