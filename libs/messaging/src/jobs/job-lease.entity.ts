import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Which replica runs a periodic job now: the row is held until `until`, then anyone may take it. */
@Entity({ tableName: 'job_lease' })
export class JobLease {
  @PrimaryKey({ type: 'string', length: 100 })
  name: string;

  @Property({ type: 'string', length: 100 })
  owner: string;

  @Property({ type: Date })
  until: Date;

  constructor(name: string, owner: string, until: Date) {
    this.name = name;
    this.owner = owner;
    this.until = until;
  }
}
