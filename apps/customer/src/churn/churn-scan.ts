import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager, MikroORM, raw, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { ChurnWarnedV1, CUSTOMER_STATUSES } from '@crm/contracts';
import { EventOutbox } from '@crm/messaging';
import { COMPANY_TIME_ZONE } from '../customers/company-calendar';
import { Customer } from '../customers/customer.entity';
import { CustomerOrderActivity } from '../orders/customer-order-activity.entity';
import { ChurnRecord } from './churn-record.entity';
import { churnCustomerOf, churnSnapshot } from './churn-snapshot';
import { churnCutoff } from './six-months';

/** Customers per transaction: bounded memory, and at most SQL Server's 1,000 rows of one multi-row insert. */
export const CHURN_SCAN_BATCH = 1000;

/**
 * `status = 'normal'` said as "not any other status": SQLite without statistics would take an
 * equality on status for selective, walk the status index and sort every normal customer by id for
 * each batch (80 ms a batch at 100,000); this walks the primary key in order and stops after a batch.
 */
const NOT_NORMAL = CUSTOMER_STATUSES.filter((status) => status !== 'normal');

type Candidate = Pick<Customer, 'id' | 'customerNo' | 'name' | 'managerId' | 'managerName'>;

/**
 * The churn warning (预警, requirements §2.5): every `normal` customer with no order since the
 * six-month cutoff (churnCutoff), or none ever, and no open churn record gets a `warning` record
 * and a customer.churn.warned.v1 event. Walks the customers by id in batches, one set-based query
 * and one transaction per batch, so memory stays bounded at any number of customers.
 *
 * Idempotent: a customer with an open record is not a candidate, and the unique open key makes a
 * second record impossible even for a scan running at the same moment (that batch's transaction
 * then fails on the key, and the batch is read again without the customers just warned).
 */
@Injectable()
export class ChurnScan {
  private readonly logger = new Logger(ChurnScan.name);

  constructor(
    private readonly orm: MikroORM,
    private readonly outbox: EventOutbox,
    @Inject(COMPANY_TIME_ZONE) private readonly timeZone: string,
  ) {}

  /** Warns every customer due at `now`; returns how many warnings this run created. */
  async execute(now: Date): Promise<number> {
    const cutoff = churnCutoff(now, this.timeZone);
    let created = 0;
    let after: string | undefined = '';
    while (after !== undefined) {
      const batch = await this.warnBatch(after, cutoff, now);
      created += batch.created;
      after = batch.last;
    }
    this.logger.log(`churn scan: ${created} warnings (no order since ${cutoff})`);
    return created;
  }

  /**
   * The next batch of candidates after the id `after`, in its own transaction; `last` is undefined
   * when it was the last. A unique violation on the open key means another run committed warnings
   * of some of these customers meanwhile (PostgreSQL and SQL Server make our insert wait for its
   * commit): the batch is read again, now without them, until it goes through. Each retry follows
   * another run's progress, so this ends; a batch read again unchanged would not, and fails.
   */
  private async warnBatch(after: string, cutoff: string, now: Date): Promise<{ created: number; last?: string }> {
    let refused: string | undefined;
    for (;;) {
      let read: string | undefined;
      try {
        // A fresh context per batch: nothing of the previous batch stays in memory.
        return await this.orm.em.fork().transactional(async (em) => {
          const candidates = await this.candidates(em, after, cutoff);
          read = candidates.map((customer) => customer.id).join();
          if (read === refused) throw new Error(`churn scan: the batch after ${after || 'the start'} keeps meeting open records that no other run is adding`);
          if (candidates.length === 0) return { created: 0 };
          await this.warn(em, candidates, now);
          return { created: candidates.length, last: candidates.length < CHURN_SCAN_BATCH ? undefined : candidates.at(-1)!.id };
        });
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        refused = read;
        this.logger.warn(`churn scan: another run warned some customers after ${after || 'the start'} meanwhile; reading that batch again`);
      }
    }
  }

  /**
   * Normal customers after `after` (by id) with no order on or after `cutoff` and no open record:
   * one query, answered per customer from the order activity's and the open key's unique indexes.
   */
  private candidates(em: EntityManager, after: string, cutoff: string): Promise<Candidate[]> {
    const sql = em as SqlEntityManager;
    const orderedSince = sql
      .createQueryBuilder(CustomerOrderActivity, 'a')
      .select(raw('1'))
      .where({ customerNo: raw('??.??', ['c', 'customer_no']), lastOrderDate: { $gte: cutoff } });
    const openRecord = sql.createQueryBuilder(ChurnRecord, 'r').select(raw('1')).where({ openKey: raw('??.??', ['c', 'id']) });
    return sql
      .createQueryBuilder(Customer, 'c')
      .select(['id', 'customerNo', 'name', 'managerId', 'managerName'])
      .where({ status: { $nin: NOT_NORMAL }, id: { $gt: after } })
      .andWhere(notExists(orderedSince.toRaw()))
      .andWhere(notExists(openRecord.toRaw()))
      .orderBy({ id: 'asc' })
      .limit(CHURN_SCAN_BATCH)
      .execute<Candidate[]>('all');
  }

  /** The records (one multi-row insert) and their events, in the batch's transaction. */
  private async warn(em: EntityManager, candidates: Candidate[], now: Date): Promise<void> {
    const activities = await em.find(
      CustomerOrderActivity,
      { customerNo: { $in: candidates.map((customer) => customer.customerNo) } },
      { fields: ['customerNo', 'lastOrderDate'], disableIdentityMap: true },
    );
    const lastOrder = new Map(activities.map((activity) => [activity.customerNo, activity.lastOrderDate]));
    const records = candidates.map((customer) => new ChurnRecord(churnCustomerOf(customer), lastOrder.get(customer.customerNo) ?? null, now));
    // Taken before the insert, which sets the version the snapshot counts from.
    const events = records.map((record) => ({ data: churnSnapshot(record), subject: record.id }));
    await em.insertMany(records);
    await this.outbox.recordMany(em, ChurnWarnedV1, events);
  }
}

function notExists(subquery: { sql: string; params: readonly unknown[] }) {
  return raw(`not exists (${subquery.sql})`, [...subquery.params]);
}
