import { Inject, Injectable } from '@nestjs/common';
import { DeadLetterAdmin, DeadLetterDetail, DeadLetterList, DeadLetterOutcome, DeadLetterQueueInfo, DeadLetterSelector } from '@crm/messaging/admin';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { SERVICE_NAMES } from '../routing/route-table';

/**
 * Services whose dead-letter queues the endpoint serves: those the gateway routes to. Any other
 * `<x>.events.dlq` is 404, whatever exists on the broker: the endpoint never reads queues it was
 * not meant to.
 */
export const DEAD_LETTER_SERVICES: readonly string[] = SERVICE_NAMES;

/**
 * The operator's view of dead letters. The admin opens a broker connection per call and closes
 * it, so the gateway starts and serves while the broker is away; calls then answer 503
 * DEAD_LETTERS.BROKER_UNAVAILABLE.
 */
@Injectable()
export class DeadLettersService {
  private readonly admin: DeadLetterAdmin;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.admin = new DeadLetterAdmin({
      amqpUrl: config.env.AMQP_URL,
      exchange: config.env.EVENTS_EXCHANGE,
      queuePrefix: config.env.AMQP_QUEUE_PREFIX,
      services: DEAD_LETTER_SERVICES,
    });
  }

  queues(): Promise<DeadLetterQueueInfo[]> {
    return this.admin.queues(DEAD_LETTER_SERVICES);
  }

  list(queue: string, type: string | undefined, limit: number): Promise<DeadLetterList> {
    return this.admin.list(queue, { type, limit });
  }

  show(queue: string, id: string): Promise<DeadLetterDetail> {
    return this.admin.show(queue, id);
  }

  replay(queue: string, selector: DeadLetterSelector): Promise<DeadLetterOutcome> {
    return this.admin.replay(queue, selector);
  }

  discard(queue: string, selector: DeadLetterSelector): Promise<DeadLetterOutcome> {
    return this.admin.discard(queue, selector);
  }
}
