import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { LENGTH } from '../read-models/lengths';

export const COMPOSITION_DIMENSIONS = ['level', 'credit', 'satisfaction'] as const;
export type CompositionDimension = (typeof COMPOSITION_DIMENSIONS)[number];

/** `item` of the customers whose value is not set (a key column cannot be null on every database). */
export const UNSET_ITEM = '';

/**
 * 客户构成分析, pre-aggregated: how many `normal` customers have each item of each dimension (the
 * level's text, credit "1".."5", satisfaction "1".."5"), moved by each customer event's difference.
 */
@Entity({ tableName: 'customer_composition' })
export class CompositionCount {
  @PrimaryKey({ type: 'string', length: 20 })
  dimension!: CompositionDimension;

  @PrimaryKey({ type: 'string', length: LENGTH.item })
  item!: string;

  @Property({ type: 'integer' })
  customers!: number;
}
