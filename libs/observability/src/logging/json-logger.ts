import type { LoggerService } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger as Pino, pino, stdTimeFunctions } from 'pino';
import { currentRequestContext } from '../context/request-context';
import { type LogLevelName, parseLogArgs, type RecordLevel, serializeError } from './log-record';

export interface JsonLoggerOptions {
  /** Written on every line as `service`. */
  service: string;
  /** Lines below this level are dropped (LOG_LEVEL); default info. */
  level?: LogLevelName;
  /** Where finished lines go; default standard output. */
  write?: (line: string) => void;
  /** Context used when a call names none. */
  context?: string;
}

// Core keys are written by the logger itself and cannot be overwritten by extra fields, so that
// every line can be parsed the same way by the log pipeline.
const CORE_KEYS = new Set(['time', 'level', 'service', 'context', 'msg', 'correlationId', 'userId', 'traceId', 'spanId', 'error']);

/** What every line carries of the unit of work it was written in: correlation, user, span. */
function workContext(): Record<string, string> {
  const fields: Record<string, string> = {};
  const request = currentRequestContext();
  if (request) {
    fields.correlationId = request.correlationId;
    if (request.userId) fields.userId = request.userId;
  }
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) {
    fields.traceId = span.traceId;
    fields.spanId = span.spanId;
  }
  return fields;
}

/** The process's pino: JSON lines with ISO time, level names and the unit of work's ids. */
function createPino(options: JsonLoggerOptions): Pino<'fatal'> {
  // process.stdout rather than pino's own fd writer: tests and tools that take over stdout see every line.
  const destination: DestinationStream = options.write ? { write: options.write } : process.stdout;
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: workContext,
    },
    destination,
  ) as Pino<'fatal'>;
}

/**
 * The Nest LoggerService of every process: pino writes the lines (one JSON object each, carrying
 * the correlation id of the current request or message and the ids of the active span); this
 * adapter reads Nest's calling convention `(message, ...fields, context?)` — see parseLogArgs —
 * into pino's `(fields, msg)`.
 * Use as `NestFactory.create(AppModule, adapter, { bufferLogs: true })` then
 * `app.useLogger(app.get(JsonLogger))`, or pass an instance as `logger`.
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Pino<'fatal'>;

  constructor(
    private readonly options: JsonLoggerOptions,
    shared?: Pino<'fatal'>,
  ) {
    this.pino = shared ?? createPino(options);
  }

  /** A logger with the same settings (and output) whose lines default to `context`. */
  forContext(context: string): JsonLogger {
    return new JsonLogger({ ...this.options, context }, this.pino);
  }

  isLevelEnabled(level: RecordLevel): boolean {
    return this.pino.isLevelEnabled(level);
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('debug', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.emit('fatal', message, optionalParams);
  }

  private emit(level: RecordLevel, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const parsed = parseLogArgs(message, params, this.options.context);
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsed.fields)) {
      if (!CORE_KEYS.has(key)) fields[key] = value instanceof Error ? serializeError(value) : value;
    }
    if (parsed.context !== undefined) fields.context = parsed.context;
    if (parsed.error) fields.error = parsed.error;
    this.pino[level](fields, parsed.msg);
  }
}
