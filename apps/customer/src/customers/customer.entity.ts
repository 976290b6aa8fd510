import { randomUUID } from 'node:crypto';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { CustomerStatus, FieldError, UserRef } from '@crm/contracts';
import type { AuthenticatedUser } from '@crm/auth';
import { TextIndex } from '@crm/persistence';
import { CustomerError, CustomerErrorCode } from './customer.errors';

/** The fields users enter (requirements §2.1); the others are kept by the system. */
export interface CustomerDetails {
  name: string;
  region: string | null;
  level: string | null;
  satisfaction: number | null;
  credit: number | null;
  address: string | null;
  zip: string | null;
  phone: string | null;
  fax: string | null;
  website: string | null;
  licenceNo: string | null;
  legalPerson: string | null;
  /** 注册资金, in 万元 (10,000 CNY). */
  registeredCapital: number | null;
  /** 年营业额, in 万元 (10,000 CNY). */
  annualTurnover: number | null;
  bank: string | null;
  bankAccount: string | null;
  localTaxNo: string | null;
  nationalTaxNo: string | null;
}

export const DETAIL_FIELDS = [
  'name',
  'region',
  'level',
  'satisfaction',
  'credit',
  'address',
  'zip',
  'phone',
  'fax',
  'website',
  'licenceNo',
  'legalPerson',
  'registeredCapital',
  'annualTurnover',
  'bank',
  'bankAccount',
  'localTaxNo',
  'nationalTaxNo',
] as const satisfies readonly (keyof CustomerDetails)[];

/**
 * The fields marked * in §2.1: a customer made from an opportunity starts with only its name,
 * manager and first contact, and every save after that must complete these.
 */
export const REQUIRED_ON_EDIT = [
  'name',
  'region',
  'level',
  'satisfaction',
  'credit',
  'address',
  'zip',
  'phone',
  'legalPerson',
  'bank',
  'bankAccount',
  'localTaxNo',
  'nationalTaxNo',
] as const satisfies readonly (keyof CustomerDetails)[];

export const EMPTY_DETAILS: Omit<CustomerDetails, 'name'> = Object.fromEntries(
  DETAIL_FIELDS.filter((field) => field !== 'name').map((field) => [field, null]),
) as Omit<CustomerDetails, 'name'>;

const isSupervisor = (user: AuthenticatedUser) => user.roles.includes('supervisor');

/**
 * A customer (客户信息, requirements §2.1). Its number is `KH` + the company's date + a daily
 * sequence (CustomerNumbers). Status: normal → churned (by a confirmed churn record) and
 * normal|churned → deleted (soft delete by a supervisor). Only `normal` customers change.
 */
@Entity({ tableName: 'customer' })
// Each filter's index leads with the filtered column, then the list's order; the trailing columns
// let the page's count (which also filters on status) be answered from the index alone.
@Index({ name: 'customer_created_idx', properties: ['createdAt', 'id'] })
@Index({ name: 'customer_status_created_idx', properties: ['status', 'createdAt'] })
@Index({ name: 'customer_manager_created_idx', properties: ['managerId', 'createdAt', 'status'] })
@Index({ name: 'customer_region_created_idx', properties: ['region', 'createdAt', 'status', 'level'] })
@Index({ name: 'customer_level_created_idx', properties: ['level', 'createdAt', 'status', 'region'] })
@Index({ name: 'customer_name_idx', properties: ['name', 'status', 'createdAt', 'id'] })
@Index({ name: 'customer_licence_idx', properties: ['licenceNo'] })
// "Name contains" (FTS5 on SQLite, pg_trgm on PostgreSQL; made by the text_search migration).
@TextIndex({ properties: ['name'] })
export class Customer implements CustomerDetails {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @Property({ type: 'string', length: 20, unique: 'customer_no_unique' })
  customerNo: string;

  @Property({ type: 'string', length: 100 })
  name: string;

  @Property({ type: 'string', length: 50, nullable: true })
  region: string | null = null;

  @Property({ type: 'string', length: 64 })
  managerId: string;

  @Property({ type: 'string', length: 100 })
  managerName: string;

  @Property({ type: 'string', length: 50, nullable: true })
  level: string | null = null;

  @Property({ type: 'integer', nullable: true })
  satisfaction: number | null = null;

  @Property({ type: 'integer', nullable: true })
  credit: number | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  address: string | null = null;

  @Property({ type: 'string', length: 10, nullable: true })
  zip: string | null = null;

  @Property({ type: 'string', length: 50, nullable: true })
  phone: string | null = null;

  @Property({ type: 'string', length: 50, nullable: true })
  fax: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  website: string | null = null;

  @Property({ type: 'string', length: 50, nullable: true })
  licenceNo: string | null = null;

  @Property({ type: 'string', length: 50, nullable: true })
  legalPerson: string | null = null;

  @Property({ type: 'integer', nullable: true })
  registeredCapital: number | null = null;

  @Property({ type: 'integer', nullable: true })
  annualTurnover: number | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  bank: string | null = null;

  @Property({ type: 'string', length: 50, nullable: true })
  bankAccount: string | null = null;

  @Property({ type: 'string', length: 50, nullable: true })
  localTaxNo: string | null = null;

  @Property({ type: 'string', length: 50, nullable: true })
  nationalTaxNo: string | null = null;

  @Property({ type: 'string', length: 10 })
  status: CustomerStatus = 'normal';

  /** The opportunity whose success created it (its unique origin row is in CustomerOrigin). */
  @Property({ type: 'string', length: 36, nullable: true })
  sourceOpportunityId: string | null = null;

  @Property({ type: 'string', length: 64 })
  createdById: string;

  @Property({ type: 'string', length: 100 })
  createdByName: string;

  @Property({ type: Date })
  createdAt: Date;

  @Property({ type: Date })
  updatedAt: Date;

  @Property({ type: Date, nullable: true })
  deletedAt: Date | null = null;

  /** Optimistic lock; also the ETag of the customer's HTTP representation. */
  @Property({ type: 'integer', version: true })
  version!: number;

  constructor(customerNo: string, details: Partial<CustomerDetails> & { name: string }, manager: UserRef, createdBy: UserRef, at = new Date()) {
    this.customerNo = customerNo;
    this.name = details.name;
    Object.assign(this, pickDetails(details));
    this.managerId = manager.id;
    this.managerName = manager.name;
    this.createdById = createdBy.id;
    this.createdByName = createdBy.name;
    this.createdAt = this.updatedAt = at;
  }

  get manager(): UserRef {
    return { id: this.managerId, name: this.managerName };
  }

  get createdBy(): UserRef {
    return { id: this.createdById, name: this.createdByName };
  }

  get details(): CustomerDetails {
    return pickDetails(this) as CustomerDetails;
  }

  /** Its manager or a supervisor, and only while normal (contacts and records follow the same rule). */
  assertChangeableBy(user: AuthenticatedUser): void {
    if (!isSupervisor(user) && !(user.roles.includes('manager') && this.managerId === user.id)) {
      throw new CustomerError(CustomerErrorCode.NotManager, 'Only the customer’s manager or a supervisor may change it.');
    }
    if (this.status !== 'normal') {
      throw new CustomerError(CustomerErrorCode.NotNormal, `Only a normal customer can be changed; this one is ${this.status}.`);
    }
  }

  /**
   * Applies an edit and returns the names of the fields that really changed. After it, every
   * field marked * must have a value (400 naming each one missing).
   */
  edit(changes: Partial<CustomerDetails>, at = new Date()): string[] {
    const changed: string[] = [];
    for (const field of DETAIL_FIELDS) {
      const value = changes[field];
      if (value !== undefined && value !== this[field]) {
        (this as Record<string, unknown>)[field] = value;
        changed.push(field);
      }
    }
    const missing = missingRequired(this);
    if (missing.length > 0) {
      throw new CustomerError(CustomerErrorCode.Incomplete, 'A customer must have every required field (*) when it is saved.', missing);
    }
    if (changed.length > 0) this.updatedAt = at;
    return changed;
  }

  /** A supervisor hands the customer to another manager. */
  reassign(manager: UserRef, at = new Date()): boolean {
    if (manager.id === this.managerId && manager.name === this.managerName) return false;
    this.managerId = manager.id;
    this.managerName = manager.name;
    this.updatedAt = at;
    return true;
  }

  /** 确认流失 (a confirmed churn record, §2.5): only a normal customer churns, and is then read only. */
  markChurned(at = new Date()): void {
    if (this.status !== 'normal') {
      throw new CustomerError(CustomerErrorCode.NotNormal, `Only a normal customer can churn; this one is ${this.status}.`);
    }
    this.status = 'churned';
    this.updatedAt = at;
  }

  /** Soft delete (supervisor): hidden from lists unless asked for; a deleted customer changes no more. */
  softDelete(at = new Date()): void {
    if (this.status === 'deleted') throw new CustomerError(CustomerErrorCode.NotNormal, 'The customer is already deleted.');
    this.status = 'deleted';
    this.deletedAt = at;
    this.updatedAt = at;
  }
}

/** The required fields (*) that have no value: one field error each. */
export function missingRequired(details: Partial<CustomerDetails>): FieldError[] {
  return REQUIRED_ON_EDIT.filter((field) => details[field] === null || details[field] === undefined || details[field] === '').map(
    (field) => ({ field, message: `${field} is required (*) when a customer is saved` }),
  );
}

function pickDetails(source: Partial<CustomerDetails>): Partial<CustomerDetails> {
  const picked: Partial<CustomerDetails> = {};
  for (const field of DETAIL_FIELDS) {
    if (source[field] !== undefined) (picked as Record<string, unknown>)[field] = source[field];
  }
  return picked;
}
