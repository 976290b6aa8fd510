import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, raw, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { COMPANY_TIME_ZONE } from './company-calendar';

/** The last customer number handed out on one company day. */
@Entity({ tableName: 'customer_number_seq' })
export class CustomerNumberSequence {
  /** The company's calendar day, YYYYMMDD. */
  @PrimaryKey({ type: 'string', length: 8 })
  day: string;

  @Property({ type: 'integer' })
  lastNumber: number;

  constructor(day: string, lastNumber: number) {
    this.day = day;
    this.lastNumber = lastNumber;
  }
}

/** `KH` + YYYYMMDD + a four-digit daily sequence (it simply grows past 9999). */
export function formatCustomerNo(day: string, sequence: number): string {
  return `KH${day}${String(sequence).padStart(4, '0')}`;
}

/**
 * Hands out customer numbers (客户编号, §2.1), never the same one twice however many replicas
 * create customers at once: the day's counter row is bumped by one conditional UPDATE inside the
 * caller's transaction, so the row stays locked until that transaction commits (PostgreSQL, SQL
 * Server) or the database has one writer (SQLite); a rolled-back creation gives its numbers back.
 * The unique index on customer_no stays as the last line of defence.
 */
@Injectable()
export class CustomerNumbers {
  constructor(@Inject(COMPANY_TIME_ZONE) private readonly timeZone: string) {}

  /** `count` consecutive numbers, within `em`'s transaction (an event handler's too). */
  async allocate(em: EntityManager, count = 1, now = new Date()): Promise<string[]> {
    const day = companyDay(now, this.timeZone);
    if ((await this.bump(em, day, count)) === 0) {
      await this.createDay(em, day);
      if ((await this.bump(em, day, count)) === 0) throw new Error(`customer number counter for ${day} is missing`);
    }
    const { lastNumber } = await em.findOneOrFail(CustomerNumberSequence, { day }, { refresh: true });
    return Array.from({ length: count }, (_, index) => formatCustomerNo(day, lastNumber - count + index + 1));
  }

  private bump(em: EntityManager, day: string, count: number): Promise<number> {
    return em.nativeUpdate(CustomerNumberSequence, { day }, { lastNumber: raw('last_number + ?', [count]) as unknown as number });
  }

  /**
   * The first number of a day creates its row, in a savepoint: when another replica created it a
   * moment earlier, the unique violation rolls back only the savepoint (a PostgreSQL transaction
   * would otherwise be aborted) and the UPDATE then waits for that replica's row.
   */
  private async createDay(em: EntityManager, day: string): Promise<void> {
    try {
      await em.transactional(async (savepoint) => {
        await savepoint.insert(CustomerNumberSequence, { day, lastNumber: 0 });
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
  }
}
/** YYYYMMDD of `at` in the company's time zone. */
export function companyDay(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}${part('month')}${part('day')}`;
}
