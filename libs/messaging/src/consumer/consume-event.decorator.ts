import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { EventPattern, Transport } from '@nestjs/microservices';
import type { EventDefinition } from '@crm/contracts';
import { EventConsumerInterceptor } from './event-consumer.interceptor';

export const CONSUMED_EVENT = 'crm:consumed-event';
export const CONSUMER_NAME = 'crm:consumer-name';

export interface ConsumeEventOptions {
  /**
   * The consumer's identity in the inbox (with the service name). Defaults to
   * `Class.method`; name it explicitly before renaming a handler, or events already applied
   * under the old name would be applied again when redelivered.
   */
  consumer?: string;
}

/**
 * Marks a handler as the consumer of one event type: `handle(event)`. The handler receives the
 * validated CloudEvent; while it runs, the injected EntityManager is the one of the transaction
 * that also writes its inbox mark, and the message is acknowledged only after that commit. Opening a transaction of its own fails the handler (ForeignTransactionError).
 * Throwing means "retry later" (TransientEventError: a dependency is down, wait it out); throwing a
 * PermanentEventError dead-letters it at once.
 */
export function ConsumeEvent(definition: EventDefinition, options: ConsumeEventOptions = {}): MethodDecorator {
  return applyDecorators(
    SetMetadata(CONSUMED_EVENT, definition),
    SetMetadata(CONSUMER_NAME, options.consumer),
    EventPattern(definition.type, Transport.RMQ) as MethodDecorator,
    UseInterceptors(EventConsumerInterceptor),
  );
}

/** An event that can never be applied (e.g. refers to something that does not exist). */
export class PermanentEventError extends Error {}
