import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RmqContext } from '@nestjs/microservices';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { recordSpanError, withConsumeSpan } from '@crm/observability';
import { PersistenceHealth } from '@crm/persistence';
import type { Channel, ConsumeMessage } from 'amqplib';
import { from, lastValueFrom, Observable } from 'rxjs';
import { CloudEvent, EventDefinition, parseEvent } from '@crm/contracts';
import { EventInbox } from '../inbox/event-inbox';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { MessagingMetrics } from '../metrics/messaging.metrics';
import { CONSUMED_EVENT, CONSUMER_NAME } from './consume-event.decorator';
import { runInConsumeScope } from './consume-scope';
import { ConcurrencyLimit } from './concurrency-limit';
import { ConsumerRetries, retryStateOf } from './consumer-retries';
import { classifyFailure, HandlerTimeoutError } from './failure-policy';
import { InFlightMessages } from './in-flight';

const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;
const DEFAULT_TRANSIENT_RETRY_MINUTES = 60;

interface Delivery {
  consumer: string;
  definition: EventDefinition;
  message: ConsumeMessage;
  channel: Channel;
  started: number;
}

/**
 * The consuming half of reliable messaging, around every @ConsumeEvent handler:
 * - validate against the contract; an invalid message is dead-lettered at once;
 * - apply once through the inbox: the injected EntityManager is the transaction's while the
 *   handler runs, so its writes commit together with the inbox mark (a transaction of its own
 *   is refused);
 * - at most `concurrency` handlers at once, each within `handlerTimeoutMs`;
 * - on failure, park the message in a retry queue (1 s, 5 s, 30 s, then every minute) and ack
 *   it, so it holds no slot while it waits. A transient failure (the database or another
 *   dependency unavailable) is waited out for `transientRetryMinutes`; a failure on healthy
 *   dependencies counts, and after `deliveryLimit` of them, or at once for a permanent error,
 *   the message goes to the dead-letter queue with its reason.
 * No error escapes to Nest (that would leave the message unacked until the channel closes).
 */
@Injectable()
export class EventConsumerInterceptor implements NestInterceptor {
  private readonly logger = new Logger('EventConsumer');
  private readonly slots: ConcurrencyLimit;
  private readonly database: PersistenceHealth;
  private readonly handlerTimeoutMs: number;
  private readonly transientRetryMs: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly inbox: EventInbox,
    private readonly inFlight: InFlightMessages,
    private readonly retries: ConsumerRetries,
    orm: MikroORM,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Optional() private readonly metrics?: MessagingMetrics,
  ) {
    this.slots = new ConcurrencyLimit(options.consumer?.concurrency ?? options.prefetch);
    this.database = new PersistenceHealth(orm);
    this.handlerTimeoutMs = options.consumer?.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
    this.transientRetryMs = (options.consumer?.transientRetryMinutes ?? DEFAULT_TRANSIENT_RETRY_MINUTES) * 60_000;
  }

  intercept(execution: ExecutionContext, next: CallHandler): Observable<void> {
    const rmq = execution.switchToRpc().getContext<RmqContext>();
    const handler = execution.getHandler();
    const named = this.reflector.get<string | undefined>(CONSUMER_NAME, handler);
    const delivery: Delivery = {
      consumer: `${this.options.service}:${named ?? `${execution.getClass().name}.${handler.name}`}`,
      definition: this.reflector.get<EventDefinition>(CONSUMED_EVENT, handler),
      message: rmq.getMessage() as ConsumeMessage,
      channel: rmq.getChannelRef() as Channel,
      started: performance.now(),
    };
    // The handler receives the validated event (its first argument, read when it is called).
    const args = execution.getArgs();
    const payload = args[0];
    const call = (event: CloudEvent) => {
      args[0] = event;
      return lastValueFrom(next.handle(), { defaultValue: undefined });
    };
    return from(this.inFlight.track(() => this.process(delivery, payload, call)));
  }

  private async process(
    delivery: Delivery,
    payload: unknown,
    call: (event: CloudEvent) => Promise<unknown>,
  ): Promise<void> {
    const { consumer, definition, message, channel } = delivery;
    await withConsumeSpan(
      {
        destination: message.fields.exchange,
        routingKey: message.fields.routingKey,
        messageId: String(message.properties.messageId ?? ''),
        attributes: { 'messaging.consumer.group.name': consumer },
      },
      message.properties.headers,
      async (span) => {
        const parsed = parseEvent(definition, payload);
        if (!parsed.success) {
          const detail = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'invalid message' });
          await this.deadLetter(delivery, `invalid ${definition.type} message: ${detail}`, 'invalid');
          return;
        }
        try {
          const event = parsed.event;
          const outcome = await this.slots.run(() =>
            this.withTimeout(
              this.inbox.runOnce(consumer, event, (em) =>
                // The injected EntityManager resolves to the transaction's while the handler runs.
                runInConsumeScope({ consumer, eventId: event.id }, () => RequestContext.create(em, () => call(event))),
              ),
            ),
          );
          span.setAttribute('crm.inbox.outcome', outcome);
          channel.ack(message);
          this.metrics?.consumed(definition.type, outcome, this.elapsed(delivery));
        } catch (error) {
          // withConsumeSpan records the exception only if it escapes; this one is handled here.
          recordSpanError(span, error);
          await this.fail(delivery, error as Error);
        }
      },
    );
  }

  private async fail(delivery: Delivery, error: Error): Promise<void> {
    const { consumer, definition, message } = delivery;
    const kind = classifyFailure(error, (await this.database.ping()).ok);
    const state = retryStateOf(message);
    const now = Date.now();
    const next = {
      attempts: state.attempts + 1,
      failures: kind === 'failure' ? state.failures + 1 : state.failures,
      transientSince: kind === 'transient' ? (state.transientSince ?? now) : null,
    };
    const id = `${definition.type} ${message.properties.messageId}`;
    if (kind === 'permanent') return this.deadLetter(delivery, `${error.constructor.name}: ${error.message}`, 'dead_lettered', next.attempts);
    if (kind === 'failure' && next.failures >= this.options.deliveryLimit) {
      return this.deadLetter(delivery, `failed ${next.failures} times: ${error.message}`, 'dead_lettered', next.attempts);
    }
    if (kind === 'transient' && now - next.transientSince! > this.transientRetryMs) {
      return this.deadLetter(delivery, `unavailable dependency for over ${this.transientRetryMs / 60_000} min: ${error.message}`, 'dead_lettered', next.attempts);
    }
    try {
      const delayMs = await this.retries.retry(message, next, error.message);
      delivery.channel.ack(message);
      const counted = kind === 'failure' ? ` (failure ${next.failures}/${this.options.deliveryLimit})` : ' (transient, not counted)';
      this.logger.warn(`${consumer} failed on ${id}: ${error.message}; retry in ${delayMs / 1000} s${counted}`);
      this.metrics?.consumed(definition.type, 'retried', this.elapsed(delivery));
    } catch (parkError) {
      // The broker did not take the copy: hand the original back; it is redelivered, never lost.
      this.logger.error(`${consumer} could not park ${id} for a retry (${(parkError as Error).message}); requeued`);
      this.requeueLater(delivery);
    }
  }

  private async deadLetter(
    delivery: Delivery,
    reason: string,
    outcome: 'invalid' | 'dead_lettered',
    attempts = retryStateOf(delivery.message).attempts + 1,
  ): Promise<void> {
    const { consumer, definition, message, channel } = delivery;
    try {
      await this.retries.deadLetter(message, consumer, reason, attempts);
      channel.ack(message);
      this.logger.error(`${consumer} dead-lettered ${definition.type} ${message.properties.messageId}: ${reason}`);
      this.metrics?.consumed(definition.type, outcome, this.elapsed(delivery));
    } catch (parkError) {
      this.logger.error(`${consumer} could not dead-letter ${message.properties.messageId} (${(parkError as Error).message}); requeued`);
      this.requeueLater(delivery);
    }
  }

  /** Requeue after a pause, so a broker that refuses copies is not hammered in a hot loop. */
  private requeueLater({ channel, message }: Delivery): void {
    setTimeout(() => {
      try {
        channel.nack(message, false, true);
      } catch {
        // The channel is gone: the broker requeues the message itself.
      }
    }, 1000).unref();
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HandlerTimeoutError(`handler took longer than ${this.handlerTimeoutMs} ms`)), this.handlerTimeoutMs);
    });
    try {
      return await Promise.race([work, limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  private elapsed(delivery: Delivery): number {
    return (performance.now() - delivery.started) / 1000;
  }
}
