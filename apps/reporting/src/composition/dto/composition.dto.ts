import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { COMPOSITION_DIMENSIONS, type CompositionDimension } from '../composition-count.entity';

export class CompositionQuery {
  @ApiProperty({ enum: COMPOSITION_DIMENSIONS, description: 'by level (客户等级), credit (信用度) or satisfaction (满意度)' })
  @IsIn(COMPOSITION_DIMENSIONS, { message: `by must be one of ${COMPOSITION_DIMENSIONS.join(', ')}` })
  by!: CompositionDimension;
}

export class CompositionItemResponse {
  @ApiProperty({ type: String, nullable: true, description: 'the level’s text, or credit / satisfaction "1".."5"; null: not set' })
  item!: string | null;

  @ApiProperty({ description: 'normal customers with this item' })
  count!: number;

  @ApiProperty({ type: Number, description: 'count / total, a fraction rounded to 4 decimals', example: 0.125 })
  share!: number;
}

export class CompositionResponse {
  @ApiProperty({ enum: COMPOSITION_DIMENSIONS }) by!: CompositionDimension;

  @ApiProperty({ description: 'every normal customer (status normal)' }) total!: number;

  @ApiProperty({ type: [CompositionItemResponse], description: 'largest count first; ties by item, unset last' })
  items!: CompositionItemResponse[];
}
