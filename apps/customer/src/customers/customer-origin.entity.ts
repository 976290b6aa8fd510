import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Which customer an opportunity's success created: the key makes "one customer per successful
 * opportunity" a database fact, beside the inbox that already absorbs redelivered events (an
 * inbox mark is purged after its retention; this row never is).
 */
@Entity({ tableName: 'customer_origin' })
export class CustomerOrigin {
  @PrimaryKey({ type: 'string', length: 36 })
  opportunityId: string;

  @Property({ type: 'string', length: 36 })
  customerId: string;

  @Property({ type: Date })
  createdAt: Date = new Date();

  constructor(opportunityId: string, customerId: string) {
    this.opportunityId = opportunityId;
    this.customerId = customerId;
  }
}
