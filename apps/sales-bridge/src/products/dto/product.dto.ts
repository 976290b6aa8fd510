import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '@crm/service-kit';
import type { SalesProduct } from '@crm/sales-system';
import { fromCents, toCents } from '../../sales-db/money';

/** 查询产品数据 (requirements §5): by name, model (型号) and batch (等级/批次); each "contains". */
export class ProductFilters {
  @ApiPropertyOptional({ description: 'name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: '型号 contains' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  model?: string;

  @ApiPropertyOptional({ description: '等级/批次 contains' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  batch?: string;
}

export class ListProductsQuery extends IntersectionType(ProductFilters, PageQueryDto) {}

export class ProductResponse {
  @ApiProperty({ description: 'the product’s key in the sales system' }) id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true, description: '型号' }) model!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '等级/批次' }) batch!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '单位' }) unit!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'unit price' }) price!: number | null;
  @ApiProperty({ type: String, nullable: true }) memo!: string | null;

  static from(product: SalesProduct): ProductResponse {
    return {
      id: product.id,
      name: product.name,
      model: product.model,
      batch: product.batch,
      unit: product.unit,
      price: product.price === null ? null : fromCents(toCents(product.price)),
      memo: product.memo,
    };
  }
}

export class ProductPageResponse extends PageMetaDto {
  @ApiProperty({ type: [ProductResponse] }) items!: ProductResponse[];
}
