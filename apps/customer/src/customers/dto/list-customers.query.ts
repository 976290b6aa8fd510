import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CUSTOMER_STATUSES, CustomerStatus } from '@crm/contracts';
import { PageQueryDto } from '@crm/service-kit';

/** Filters of the customer list (§2.1); deleted customers only when `status=deleted` asks for them. */
export class CustomerFilters {
  @ApiPropertyOptional({ description: 'the whole number, or its beginning (e.g. KH20261129)' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @Matches(/^[A-Z0-9]{1,20}$/, { message: 'customerNo must be letters and digits, e.g. KH202611290001' })
  customerNo?: string;

  @ApiPropertyOptional({ description: 'contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: 'a 地区 dictionary item' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  region?: string;

  @ApiPropertyOptional({ description: 'a 企业客户等级 dictionary item' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  level?: string;

  @ApiPropertyOptional({ description: 'customers of this account manager' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  managerId?: string;

  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES, description: 'default: normal and churned (deleted ones are hidden)' })
  @IsOptional()
  @IsIn(CUSTOMER_STATUSES)
  status?: CustomerStatus;
}

export class ListCustomersQuery extends IntersectionType(CustomerFilters, PageQueryDto) {}
