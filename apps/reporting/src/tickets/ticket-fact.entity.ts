import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { TicketStatus } from '@crm/contracts';
import type { VersionedCopy } from '@crm/messaging';
import { LENGTH } from '../read-models/lengths';

/** The latest version of one service ticket, from `service.ticket.*.v1`: what the service analysis counts. */
@Entity({ tableName: 'ticket_fact' })
export class TicketFact implements VersionedCopy {
  @PrimaryKey({ type: 'string', length: LENGTH.id })
  ticketId!: string;

  @Property({ type: 'integer' })
  sourceVersion!: number;

  /** The 服务类型 dictionary item's text. */
  @Property({ type: 'string', length: LENGTH.item })
  type!: string;

  /** The year of its creation on the company's calendar (COMPANY_TIME_ZONE). */
  @Property({ type: 'integer' })
  createdYear!: number;

  @Property({ type: 'string', length: LENGTH.status })
  status!: TicketStatus;
}
