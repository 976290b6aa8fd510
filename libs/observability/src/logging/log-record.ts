/** Thresholds a process can be configured with (LOG_LEVEL); Nest's `verbose` counts as debug, `fatal` as error. */
export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';
export type RecordLevel = LogLevelName | 'fatal';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  cause?: SerializedError | string;
}

export interface ParsedArgs {
  msg: string;
  context?: string;
  error?: SerializedError;
  fields: Record<string, unknown>;
}

const STACK_FORMAT = /^(.)+\n\s+at .+:\d+:\d+/;

function isStack(value: unknown): value is string {
  return typeof value === 'string' && STACK_FORMAT.test(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function errorFromStack(stack: string): SerializedError {
  const firstLine = stack.split('\n', 1)[0];
  const match = /^([\w$.]+): (.*)$/.exec(firstLine);
  return match ? { name: match[1], message: match[2], stack } : { name: 'Error', message: firstLine, stack };
}

export function serializeError(error: Error, depth = 0): SerializedError {
  const out: SerializedError = { name: error.name, message: error.message, stack: error.stack };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && depth < 3) out.cause = serializeError(cause, depth + 1);
  else if (cause !== undefined) out.cause = String(cause);
  return out;
}

/**
 * Reads Nest's LoggerService calling convention: `(message, ...params, context?)`, where `error`
 * may also carry a stack string (`logger.error(msg, err.stack, context)`) or an Error, and plain
 * objects are extra fields for the line.
 */
export function parseLogArgs(message: unknown, params: unknown[], defaultContext?: string): ParsedArgs {
  const rest = [...params];
  let context = defaultContext;
  const last = rest[rest.length - 1];
  if (rest.length > 0 && typeof last === 'string' && !isStack(last)) {
    context = last;
    rest.pop();
  }

  const parsed: ParsedArgs = { msg: '', context, fields: {} };
  const texts: string[] = [];
  const absorb = (value: unknown, isMessage: boolean) => {
    if (value === undefined) return;
    if (value instanceof Error) {
      parsed.error ??= serializeError(value);
      if (isMessage) texts.push(value.message);
    } else if (isStack(value)) {
      if (parsed.error) parsed.error.stack ??= value;
      else parsed.error = errorFromStack(value);
    } else if (isPlainObject(value)) {
      if (!isMessage) {
        Object.assign(parsed.fields, value);
        return;
      }
      const { msg, message: text, ...others } = value;
      const summary = msg ?? text;
      if (summary !== undefined) texts.push(String(summary));
      Object.assign(parsed.fields, others);
    } else {
      texts.push(typeof value === 'string' ? value : safeStringify(value));
    }
  };
  absorb(message, true);
  for (const param of rest) absorb(param, false);
  parsed.msg = texts.join(' ');
  return parsed;
}

/** JSON.stringify that never throws: cycles, BigInt and nested errors still give one valid line. */
export function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return serializeError(v);
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
    }
    return v;
  });
}
