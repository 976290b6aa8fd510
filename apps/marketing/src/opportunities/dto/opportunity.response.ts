import { ApiProperty } from '@nestjs/swagger';
import { OPPORTUNITY_STATUSES, OpportunityStatus } from '@crm/contracts';
import { PageMetaDto, UserRefDto } from '@crm/service-kit';
import type { Opportunity } from '../opportunity.entity';

export class OpportunityResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) source!: string | null;
  @ApiProperty() customerName!: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) successRate!: number;
  @ApiProperty() summary!: string;
  @ApiProperty({ nullable: true, type: String }) contact!: string | null;
  @ApiProperty({ nullable: true, type: String }) contactPhone!: string | null;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: OPPORTUNITY_STATUSES }) status!: OpportunityStatus;
  @ApiProperty({ type: UserRefDto }) createdBy!: UserRefDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: UserRefDto, nullable: true }) assignee!: UserRefDto | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) assignedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt!: string | null;

  static from(opportunity: Opportunity): OpportunityResponse {
    return {
      id: opportunity.id,
      ...opportunity.details,
      status: opportunity.status,
      createdBy: opportunity.createdBy,
      createdAt: opportunity.createdAt.toISOString(),
      updatedAt: opportunity.updatedAt.toISOString(),
      assignee: opportunity.assignee,
      assignedAt: opportunity.assignedAt?.toISOString() ?? null,
      decidedAt: opportunity.decidedAt?.toISOString() ?? null,
    };
  }
}

export class OpportunityPageResponse extends PageMetaDto {
  @ApiProperty({ type: [OpportunityResponse] }) items!: OpportunityResponse[];
}
