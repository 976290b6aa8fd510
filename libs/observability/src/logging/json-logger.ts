import type { LoggerService } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { currentRequestContext } from '../context/request-context';
import { LEVEL_RANK, type LogLevelName, parseLogArgs, type RecordLevel, safeStringify } from './log-record';

export interface JsonLoggerOptions {
  /** Written on every line as `service`. */
  service: string;
  /** Lines below this level are dropped (LOG_LEVEL); default info. */
  level?: LogLevelName;
  /** Where finished lines go; default process.stdout. */
  write?: (line: string) => void;
  /** Context used when a call names none. */
  context?: string;
}

// Core keys are written first and cannot be overwritten by extra fields, so that every line
// can be parsed the same way by the log pipeline.
const CORE_KEYS = new Set(['time', 'level', 'service', 'context', 'msg', 'correlationId', 'userId', 'traceId', 'spanId', 'error']);

/**
 * Nest LoggerService writing one JSON object per line, carrying the correlation id of the
 * current request/message and the ids of the active span.
 * Use as `NestFactory.create(AppModule, adapter, { bufferLogs: true })` then
 * `app.useLogger(app.get(JsonLogger))`, or pass an instance as `logger`.
 */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;
  private readonly write: (line: string) => void;

  constructor(private readonly options: JsonLoggerOptions) {
    this.threshold = LEVEL_RANK[options.level ?? 'info'];
    this.write = options.write ?? ((line) => process.stdout.write(line));
  }

  /** A logger with the same settings whose lines default to `context`. */
  forContext(context: string): JsonLogger {
    return new JsonLogger({ ...this.options, context });
  }

  isLevelEnabled(level: RecordLevel): boolean {
    return LEVEL_RANK[level] >= this.threshold;
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
    if (!this.isLevelEnabled(level)) return;
    const parsed = parseLogArgs(message, params, this.options.context);
    const requestContext = currentRequestContext();
    const active = trace.getActiveSpan()?.spanContext();
    const spanContext = active && isSpanContextValid(active) ? active : undefined;

    const line: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.options.service,
      context: parsed.context,
      msg: parsed.msg,
      correlationId: requestContext?.correlationId,
      userId: requestContext?.userId,
      traceId: spanContext?.traceId,
      spanId: spanContext?.spanId,
      error: parsed.error,
    };
    for (const [key, value] of Object.entries(parsed.fields)) {
      if (!CORE_KEYS.has(key)) line[key] = value;
    }
    let text: string;
    try {
      text = safeStringify(line);
    } catch (error) {
      // A getter that throws must not take the process down through its logger.
      text = safeStringify({ time: line.time, level, service: line.service, msg: 'unserializable log line', error: String(error) });
    }
    this.write(`${text}\n`);
  }
}
