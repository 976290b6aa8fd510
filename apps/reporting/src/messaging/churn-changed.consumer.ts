import { Controller } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ChurnClosedV1, ChurnConfirmedV1, ChurnDeferredV1, ChurnWarnedV1, EventOf } from '@crm/contracts';
import { ConsumeEvent } from '@crm/messaging';
import { ChurnFacts } from '../churn/churn-facts';

/** Every churn event carries the whole record: one inbox identity, one handler per type. */
const CONSUMER = 'churn-facts';

/** customer.churn.*.v1 → the record's fact (the confirmed ones are the churn analysis). */
@Controller()
export class ChurnChangedConsumer {
  constructor(
    private readonly em: EntityManager,
    private readonly churn: ChurnFacts,
  ) {}

  @ConsumeEvent(ChurnWarnedV1, { consumer: CONSUMER })
  async onWarned(event: EventOf<typeof ChurnWarnedV1>): Promise<void> {
    await this.churn.apply(this.em, event.data);
  }

  @ConsumeEvent(ChurnDeferredV1, { consumer: CONSUMER })
  async onDeferred(event: EventOf<typeof ChurnDeferredV1>): Promise<void> {
    await this.churn.apply(this.em, event.data);
  }

  @ConsumeEvent(ChurnConfirmedV1, { consumer: CONSUMER })
  async onConfirmed(event: EventOf<typeof ChurnConfirmedV1>): Promise<void> {
    await this.churn.apply(this.em, event.data);
  }

  @ConsumeEvent(ChurnClosedV1, { consumer: CONSUMER })
  async onClosed(event: EventOf<typeof ChurnClosedV1>): Promise<void> {
    await this.churn.apply(this.em, event.data);
  }
}
