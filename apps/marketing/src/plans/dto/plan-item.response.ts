import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto, UserRefDto } from '@crm/service-kit';
import type { PlanItem } from '../plan-item.entity';

export class PlanItemResponse {
  @ApiProperty() id!: string;
  @ApiProperty() opportunityId!: string;
  @ApiProperty({ type: String, format: 'date', example: '2026-12-01' }) date!: string;
  @ApiProperty({ maxLength: 500 }) todo!: string;
  @ApiProperty({ nullable: true, type: String, maxLength: 500, description: '执行效果' }) result!: string | null;
  @ApiProperty({ type: UserRefDto }) createdBy!: UserRefDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(item: PlanItem): PlanItemResponse {
    return {
      id: item.id,
      opportunityId: item.opportunity.id,
      date: item.date,
      todo: item.todo,
      result: item.result,
      createdBy: item.createdBy,
      createdAt: item.createdAt.toISOString(),
      updatedAt: item.updatedAt.toISOString(),
    };
  }
}

export class PlanItemPageResponse extends PageMetaDto {
  @ApiProperty({ type: [PlanItemResponse] }) items!: PlanItemResponse[];
}
