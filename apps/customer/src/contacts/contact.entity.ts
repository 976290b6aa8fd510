import { randomUUID } from 'node:crypto';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];

export interface ContactDetails {
  name: string;
  /** Null only for the first contact made from an opportunity, which knows no more. */
  gender: Gender | null;
  position: string | null;
  officePhone: string | null;
  mobile: string | null;
  memo: string | null;
}

const FIELDS = ['name', 'gender', 'position', 'officePhone', 'mobile', 'memo'] as const;

/** A contact person of a customer (联系人, requirements §2.2). */
@Entity({ tableName: 'contact' })
@Index({ name: 'contact_customer_idx', properties: ['customerId', 'createdAt'] })
export class Contact implements ContactDetails {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = randomUUID();

  @Property({ type: 'string', length: 36 })
  customerId: string;

  @Property({ type: 'string', length: 50 })
  name: string;

  @Property({ type: 'string', length: 6, nullable: true })
  gender: Gender | null;

  @Property({ type: 'string', length: 50, nullable: true })
  position: string | null;

  @Property({ type: 'string', length: 50, nullable: true })
  officePhone: string | null;

  @Property({ type: 'string', length: 50, nullable: true })
  mobile: string | null;

  @Property({ type: 'string', length: 300, nullable: true })
  memo: string | null;

  @Property({ type: Date })
  createdAt: Date;

  @Property({ type: Date })
  updatedAt: Date;

  @Property({ type: 'integer', version: true })
  version!: number;

  constructor(customerId: string, details: ContactDetails, at = new Date()) {
    this.customerId = customerId;
    this.name = details.name;
    this.gender = details.gender;
    this.position = details.position;
    this.officePhone = details.officePhone;
    this.mobile = details.mobile;
    this.memo = details.memo;
    this.createdAt = this.updatedAt = at;
  }

  edit(changes: Partial<ContactDetails>, at = new Date()): void {
    for (const field of FIELDS) {
      if (changes[field] !== undefined) (this as Record<string, unknown>)[field] = changes[field];
    }
    this.updatedAt = at;
  }
}
