import { ApiProperty } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { CalendarDate, OmittableNotNull, OptionalText, PageMetaDto, RequiredText, UserRefDto } from '@crm/service-kit';
import type { Activity } from '../activity.entity';

export class CreateActivityDto {
  @CalendarDate('日期, YYYY-MM-DD') date!: string;
  @RequiredText(100, '地点') place!: string;
  @RequiredText(200, '概要') summary!: string;
  @RequiredText(2000, '详细信息') details!: string;
  @OptionalText(300, '备注') memo?: string | null;
}

const omittable = (decorator: PropertyDecorator) => applyDecorators(OmittableNotNull(), decorator);

/** Any subset; required fields may not become empty (§2.3). */
export class UpdateActivityDto {
  @omittable(CalendarDate('日期, YYYY-MM-DD')) date?: string;
  @omittable(RequiredText(100, '地点')) place?: string;
  @omittable(RequiredText(200, '概要')) summary?: string;
  @omittable(RequiredText(2000, '详细信息')) details?: string;
  @OptionalText(300, '备注') memo?: string | null;
}

export class ActivityResponse {
  @ApiProperty() id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty() place!: string;
  @ApiProperty() summary!: string;
  @ApiProperty() details!: string;
  @ApiProperty({ type: String, nullable: true }) memo!: string | null;
  @ApiProperty({ type: UserRefDto }) createdBy!: UserRefDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;

  static from(activity: Activity): ActivityResponse {
    return {
      id: activity.id,
      customerId: activity.customerId,
      date: activity.date,
      place: activity.place,
      summary: activity.summary,
      details: activity.details,
      memo: activity.memo,
      createdBy: activity.createdBy,
      createdAt: activity.createdAt.toISOString(),
      updatedAt: activity.updatedAt.toISOString(),
      version: activity.version,
    };
  }
}

export class ActivityPageResponse extends PageMetaDto {
  @ApiProperty({ type: [ActivityResponse] }) items!: ActivityResponse[];
}
