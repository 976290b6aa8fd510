import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { OmittableNotNull, RequiredText } from '@crm/service-kit';
import type { DictionaryItem } from '../dictionary-item.entity';

export class CreateDictionaryItemDto {
  @RequiredText(50, '类别, e.g. 地区') category!: string;
  @RequiredText(50, '条目, the text fields store, e.g. 北京') item!: string;
  @RequiredText(50, '值, e.g. 1') value!: string;
  @ApiPropertyOptional({ default: true, description: 'false makes it read only' })
  @IsOptional()
  @IsBoolean()
  editable?: boolean;
}

export class UpdateDictionaryItemDto {
  @OmittableNotNull() @RequiredText(50, '类别') category?: string;
  @OmittableNotNull() @RequiredText(50, '条目') item?: string;
  @OmittableNotNull() @RequiredText(50, '值') value?: string;
  @ApiPropertyOptional({ description: 'false makes it read only (for good)' })
  @OmittableNotNull()
  @IsBoolean()
  editable?: boolean;
}

export class DictionaryQuery {
  @ApiPropertyOptional({ description: 'only this category, e.g. 企业客户等级' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  category?: string;
}

export class DictionaryItemResponse {
  @ApiProperty() id!: string;
  @ApiProperty() category!: string;
  @ApiProperty() item!: string;
  @ApiProperty() value!: string;
  @ApiProperty() editable!: boolean;
  @ApiProperty() version!: number;

  static from(item: DictionaryItem): DictionaryItemResponse {
    return { id: item.id, category: item.category, item: item.item, value: item.value, editable: item.editable, version: item.version };
  }
}

export class DictionaryListResponse {
  @ApiProperty({ type: [DictionaryItemResponse] }) items!: DictionaryItemResponse[];
}

export class RepublishResponse {
  @ApiProperty({ description: 'items and deletions published again' }) published!: number;
}
