import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { ChurnStatus, UserRef } from '@crm/contracts';
import type { VersionedCopy } from '@crm/messaging';
import { LENGTH } from '../read-models/lengths';

/** One measure (暂缓措施) of a churn record, as its events carry it. */
export interface ChurnMeasureFact {
  measure: string;
  at: string;
  by: UserRef;
}

/**
 * The latest version of one churn record, from `customer.churn.*.v1`. The confirmed ones are the
 * churn analysis (a record's later version, whatever it says, replaces what it said before).
 */
@Entity({ tableName: 'churn_fact' })
// The report: confirmed records, newest confirmation first (and its export's keyset walk).
@Index({ name: 'churn_fact_confirmed_idx', properties: ['status', 'confirmedAt', 'churnId'] })
export class ChurnFact implements VersionedCopy {
  @PrimaryKey({ type: 'string', length: LENGTH.id })
  churnId!: string;

  @Property({ type: 'integer' })
  sourceVersion!: number;

  @Property({ type: 'string', length: LENGTH.id })
  customerId!: string;

  @Property({ type: 'string', length: LENGTH.customerNo })
  customerNo!: string;

  @Property({ type: 'string', length: LENGTH.name })
  customerName!: string;

  @Property({ type: 'string', length: LENGTH.id })
  managerId!: string;

  @Property({ type: 'string', length: LENGTH.name })
  managerName!: string;

  /** `YYYY-MM-DD`; null: the customer never ordered. */
  @Property({ type: 'date', nullable: true })
  lastOrderDate!: string | null;

  @Property({ type: Date })
  warnedAt!: Date;

  @Property({ type: 'string', length: LENGTH.status })
  status!: ChurnStatus;

  /** Oldest first, each with its time and author. */
  @Property({ type: 'json' })
  measures!: ChurnMeasureFact[];

  @Property({ type: 'text', nullable: true })
  reason!: string | null;

  @Property({ type: Date, nullable: true })
  confirmedAt!: Date | null;
}
