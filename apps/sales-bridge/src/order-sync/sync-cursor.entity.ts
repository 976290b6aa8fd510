import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Where a sweep of the order sync stands: the last order key it compared. */
@Entity({ tableName: 'order_sync_cursor' })
export class SyncCursor {
  /** `full` (every order) or `live` (orders not yet paid). */
  @PrimaryKey({ type: 'string', length: 20 })
  name: string;

  @Property({ type: 'integer' })
  position: number;

  /** Full passes completed: after the first, every order that existed when it began has been compared once. */
  @Property({ type: 'integer' })
  passes: number;

  @Property({ type: Date })
  updatedAt: Date;

  constructor(name: string) {
    this.name = name;
    this.position = 0;
    this.passes = 0;
    this.updatedAt = new Date();
  }
}
