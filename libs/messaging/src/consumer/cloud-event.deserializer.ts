import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';

/**
 * Nest's RMQ server expects `{pattern, data}` packets; CRM messages are plain CloudEvents. The
 * pattern is the event type (AMQP `type` property, else the envelope's `type`), so handlers are
 * matched by event type and unknown or typeless messages find no handler and are dead-lettered.
 */
export class CloudEventDeserializer implements ConsumerDeserializer {
  deserialize(value: unknown, options?: { type?: string }): IncomingEvent {
    const envelopeType =
      value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string'
        ? (value as { type: string }).type
        : undefined;
    return { pattern: options?.type ?? envelopeType ?? '(untyped)', data: value };
  }
}
