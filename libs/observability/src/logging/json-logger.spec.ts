import { Logger } from '@nestjs/common';
import { runWithCorrelation, setContextUserId } from '../context/request-context';
import { JsonLogger } from './json-logger';

function collect(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const logger = new JsonLogger({ service: 'svc', level, write: (line) => lines.push(line) });
  return { logger, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), lines };
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with the core fields and extra fields', () => {
    const { logger, lines, records } = collect();
    runWithCorrelation('corr-1', () => {
      setContextUserId('user-9');
      logger.log('contact created', { contactId: 'c1', level: 'forged' }, 'ContactsService');
    });
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].trimEnd()).not.toContain('\n');
    expect(records()[0]).toMatchObject({
      level: 'info',
      service: 'svc',
      context: 'ContactsService',
      msg: 'contact created',
      correlationId: 'corr-1',
      userId: 'user-9',
      contactId: 'c1',
    });
  });

  it('drops lines below the configured level; verbose counts as debug', () => {
    const { logger, records } = collect('warn');
    logger.debug('d');
    logger.verbose('v');
    logger.log('i');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    expect(records().map((r) => r.level)).toEqual(['warn', 'error', 'fatal']);
  });

  it('serialises errors given as Error, as a stack string (Nest style) or as the message', () => {
    const { logger, records } = collect();
    const failure = Object.assign(new Error('db down'), { code: 'ECONNREFUSED' });
    logger.error('query failed', failure, 'Repo');
    logger.error('query failed', failure.stack, 'Repo');
    logger.error(new TypeError('bad input'));
    const [asError, asStack, asMessage] = records();
    expect(asError).toMatchObject({ msg: 'query failed', context: 'Repo', error: { name: 'Error', message: 'db down', code: 'ECONNREFUSED' } });
    expect((asError.error as { stack: string }).stack).toContain('json-logger.spec.ts');
    expect(asStack).toMatchObject({ msg: 'query failed', context: 'Repo', error: { name: 'Error', message: 'db down' } });
    expect(asMessage).toMatchObject({ msg: 'bad input', error: { name: 'TypeError', message: 'bad input' } });
  });

  it('serves as the logger behind Nest Logger instances', () => {
    const { logger, records } = collect();
    Logger.overrideLogger(logger);
    try {
      new Logger('OrdersConsumer').warn('redelivered', { attempt: 2 });
    } finally {
      Logger.overrideLogger(true);
    }
    expect(records()[0]).toMatchObject({ level: 'warn', context: 'OrdersConsumer', msg: 'redelivered', attempt: 2 });
  });

  it('never throws on circular or BigInt values (pino writes a BigInt as a number)', () => {
    const { logger, records } = collect();
    const loop: Record<string, unknown> = { id: 1n };
    loop.self = loop;
    logger.log('odd values', { loop });
    expect(records()[0].loop).toEqual({ id: 1, self: '[Circular]' });
  });
});
