import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { OPPORTUNITY_STATUSES, OpportunityStatus } from '@crm/contracts';
import { PageQueryDto } from '@crm/service-kit';

export class ListOpportunitiesQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: OPPORTUNITY_STATUSES })
  @IsOptional()
  @IsIn(OPPORTUNITY_STATUSES)
  status?: OpportunityStatus;

  @ApiPropertyOptional({ description: 'contains, case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  customerName?: string;

  @ApiPropertyOptional({ description: 'contains, case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  summary?: string;

  @ApiPropertyOptional({ description: 'contains, case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  contact?: string;

  @ApiPropertyOptional({ description: 'only opportunities assigned to this user' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  assigneeId?: string;
}
