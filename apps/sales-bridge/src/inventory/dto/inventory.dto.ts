import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '@crm/service-kit';

/** 查询库存 (requirements §5): by product and by warehouse (仓库). */
export class InventoryFilters {
  @ApiPropertyOptional({ description: 'the product’s name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  product?: string;

  @ApiPropertyOptional({ description: 'the warehouse’s name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  warehouse?: string;
}

export class ListInventoryQuery extends IntersectionType(InventoryFilters, PageQueryDto) {}

export class InventoryProductDto {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: String, nullable: true }) batch!: string | null;
  @ApiProperty({ type: String, nullable: true }) unit!: string | null;
}

export class InventoryItemResponse {
  @ApiProperty() id!: number;
  @ApiProperty({ type: InventoryProductDto }) product!: InventoryProductDto;
  @ApiProperty({ description: '仓库' }) warehouse!: string;
  @ApiProperty({ type: String, nullable: true, description: '货位' }) location!: string | null;
  @ApiProperty({ description: '件数' }) quantity!: number;
  @ApiProperty({ type: String, nullable: true }) memo!: string | null;
}

export class InventoryPageResponse extends PageMetaDto {
  @ApiProperty({ type: [InventoryItemResponse] }) items!: InventoryItemResponse[];
}
