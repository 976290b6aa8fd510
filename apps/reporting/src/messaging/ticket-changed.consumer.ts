import { Controller } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { EventOf, TicketArchivedV1, TicketAssignedV1, TicketCreatedV1, TicketHandledV1, TicketReopenedV1 } from '@crm/contracts';
import { ConsumeEvent } from '@crm/messaging';
import { TicketFacts } from '../tickets/ticket-facts';

/** Every ticket event carries the whole snapshot: one inbox identity, one handler per type. */
const CONSUMER = 'ticket-facts';

/** service.ticket.*.v1 → the ticket's fact and the service analysis. */
@Controller()
export class TicketChangedConsumer {
  constructor(
    private readonly em: EntityManager,
    private readonly tickets: TicketFacts,
  ) {}

  @ConsumeEvent(TicketCreatedV1, { consumer: CONSUMER })
  async onCreated(event: EventOf<typeof TicketCreatedV1>): Promise<void> {
    await this.tickets.apply(this.em, event.data);
  }

  @ConsumeEvent(TicketAssignedV1, { consumer: CONSUMER })
  async onAssigned(event: EventOf<typeof TicketAssignedV1>): Promise<void> {
    await this.tickets.apply(this.em, event.data);
  }

  @ConsumeEvent(TicketHandledV1, { consumer: CONSUMER })
  async onHandled(event: EventOf<typeof TicketHandledV1>): Promise<void> {
    await this.tickets.apply(this.em, event.data);
  }

  @ConsumeEvent(TicketArchivedV1, { consumer: CONSUMER })
  async onArchived(event: EventOf<typeof TicketArchivedV1>): Promise<void> {
    await this.tickets.apply(this.em, event.data);
  }

  @ConsumeEvent(TicketReopenedV1, { consumer: CONSUMER })
  async onReopened(event: EventOf<typeof TicketReopenedV1>): Promise<void> {
    await this.tickets.apply(this.em, event.data);
  }
}
