import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { EventPattern, Transport } from '@nestjs/microservices';
import type { EventDefinition } from '@crm/contracts';
import { EventConsumerInterceptor } from './event-consumer.interceptor';

export const CONSUMED_EVENT = 'crm:consumed-event';

/**
 * Marks a handler as the consumer of one event type. The handler receives the validated
 * CloudEvent and runs inside a transaction together with its inbox mark; it is acknowledged only
 * after that commit. Throwing means "retry later"; throwing a PermanentEventError dead-letters it.
 */
export function ConsumeEvent(definition: EventDefinition): MethodDecorator {
  return applyDecorators(
    SetMetadata(CONSUMED_EVENT, definition),
    EventPattern(definition.type, Transport.RMQ) as MethodDecorator,
    UseInterceptors(EventConsumerInterceptor),
  );
}

/** An event that can never be applied (e.g. refers to something that does not exist). */
export class PermanentEventError extends Error {}
