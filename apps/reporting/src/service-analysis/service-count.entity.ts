import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { LENGTH } from '../read-models/lengths';

/** 客户服务分析, pre-aggregated: tickets per year of creation (company calendar) and service type. */
@Entity({ tableName: 'service_count' })
export class ServiceCount {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  year!: number;

  @PrimaryKey({ type: 'string', length: LENGTH.item })
  type!: string;

  @Property({ type: 'integer' })
  tickets!: number;
}
