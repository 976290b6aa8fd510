import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RmqContext } from '@nestjs/microservices';
import { SpanStatusCode } from '@opentelemetry/api';
import { recordSpanError, withConsumeSpan } from '@crm/observability';
import type { Channel, ConsumeMessage } from 'amqplib';
import { from, lastValueFrom, Observable } from 'rxjs';
import { EventDefinition, parseEvent } from '@crm/contracts';
import { EventInbox } from '../inbox/event-inbox';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { CONSUMED_EVENT, CONSUMER_NAME, PermanentEventError } from './consume-event.decorator';
import { InFlightMessages } from './in-flight';

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * The consuming half of reliable messaging, around every @ConsumeEvent handler:
 * validate against the contract (invalid → dead-letter at once), apply once through the inbox,
 * then ack; on failure wait a little and requeue, until the quorum queue's delivery limit
 * dead-letters the message. It never lets an error escape to Nest (that would leave the message
 * unacked until the channel closes).
 */
@Injectable()
export class EventConsumerInterceptor implements NestInterceptor {
  private readonly logger = new Logger('EventConsumer');

  constructor(
    private readonly reflector: Reflector,
    private readonly inbox: EventInbox,
    private readonly inFlight: InFlightMessages,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<void> {
    const rmq = execution.switchToRpc().getContext<RmqContext>();
    const message = rmq.getMessage() as ConsumeMessage;
    const channel = rmq.getChannelRef() as Channel;
    const definition = this.reflector.get<EventDefinition>(CONSUMED_EVENT, execution.getHandler());
    const named = this.reflector.get<string | undefined>(CONSUMER_NAME, execution.getHandler());
    const consumer = `${this.options.service}:${named ?? `${execution.getClass().name}.${execution.getHandler().name}`}`;
    const payload = execution.switchToRpc().getData();
    return from(
      this.inFlight.track(() => this.process(consumer, definition, payload, message, channel, next)),
    );
  }

  private async process(
    consumer: string,
    definition: EventDefinition,
    payload: unknown,
    message: ConsumeMessage,
    channel: Channel,
    next: CallHandler,
  ): Promise<void> {
    await withConsumeSpan(
      {
        destination: message.fields.exchange,
        routingKey: message.fields.routingKey,
        messageId: String(message.properties.messageId ?? ''),
        attributes: { 'messaging.consumer.group.name': consumer },
      },
      message.properties.headers,
      async (span) => {
        try {
          const parsed = parseEvent(definition, payload);
          if (!parsed.success) {
            const detail = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
            this.logger.warn(`dead-lettering invalid ${definition.type} message: ${detail}`);
            span.setStatus({ code: SpanStatusCode.ERROR, message: 'invalid message' });
            channel.nack(message, false, false);
            return;
          }
          const outcome = await this.inbox.runOnce(consumer, parsed.event, () =>
            lastValueFrom(next.handle(), { defaultValue: undefined }),
          );
          span.setAttribute('crm.inbox.outcome', outcome);
          channel.ack(message);
        } catch (error) {
          // withConsumeSpan records the exception only if it escapes; this one is handled here.
          recordSpanError(span, error);
          await this.reject(consumer, definition, message, channel, error as Error);
        }
      },
    );
  }

  private async reject(
    consumer: string,
    definition: EventDefinition,
    message: ConsumeMessage,
    channel: Channel,
    error: Error,
  ): Promise<void> {
    const deliveries = Number(message.properties.headers?.['x-delivery-count'] ?? 0) + 1;
    if (error instanceof PermanentEventError) {
      this.logger.error(`${consumer} cannot apply ${definition.type} ${message.properties.messageId}: ${error.message}; dead-lettered`);
      channel.nack(message, false, false);
      return;
    }
    const last = deliveries >= this.options.deliveryLimit;
    this.logger.error(
      `${consumer} failed on ${definition.type} ${message.properties.messageId} (delivery ${deliveries}/${this.options.deliveryLimit}): ${error.message}` +
        (last ? '; dead-lettered' : '; will retry'),
    );
    if (last) {
      channel.nack(message, false, false);
      return;
    }
    // Hold the message briefly so a transient fault (database failover) is not retried in a hot loop.
    await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** deliveries)));
    channel.nack(message, false, true);
  }
}
