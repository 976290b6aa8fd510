import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CHURN_STATUSES, ChurnStatus } from '@crm/contracts';
import { PageMetaDto, PageQueryDto, RequiredText, UserRefDto } from '@crm/service-kit';
import type { Customer } from '../../customers/customer.entity';
import type { ChurnRecord } from '../churn-record.entity';
import { churnOutcome } from '../churn-snapshot';

export class ListChurnRecordsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: CHURN_STATUSES })
  @IsOptional()
  @IsIn(CHURN_STATUSES)
  status?: ChurnStatus;

  @ApiPropertyOptional({ description: 'the customer’s name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  customerName?: string;

  @ApiPropertyOptional({ description: 'records of this manager’s customers (a manager sees only their own: another manager’s id gives an empty page)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  managerId?: string;
}

export class AddChurnMeasureDto {
  @RequiredText(500, '措施: what the manager does to keep the customer') measure!: string;
}

export class ConfirmChurnDto {
  @RequiredText(500, '流失原因') reason!: string;
}

export class ChurnMeasureResponse {
  @ApiProperty() measure!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: UserRefDto }) by!: UserRefDto;
}

export class ChurnCustomerRefDto {
  @ApiProperty() id!: string;
  @ApiProperty() customerNo!: string;
  @ApiProperty() name!: string;
}

const nullableInstant = (description: string) => ApiProperty({ type: String, format: 'date-time', nullable: true, description });

export class ChurnRecordResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ type: ChurnCustomerRefDto }) customer!: ChurnCustomerRefDto;
  @ApiProperty({ type: UserRefDto, description: 'the customer’s manager (now: a reassigned customer’s record follows it)' }) manager!: UserRefDto;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'the last order known when warned; null: never ordered' })
  lastOrderDate!: string | null;
  @ApiProperty({ format: 'date-time', description: '预警 time' }) warnedAt!: string;
  @ApiProperty({ enum: CHURN_STATUSES, description: 'warning → deferred → confirmed, or closed when the customer ordered again' })
  status!: ChurnStatus;
  @ApiProperty({ type: [ChurnMeasureResponse], description: 'oldest first' }) measures!: ChurnMeasureResponse[];
  @ApiProperty({ type: String, nullable: true, description: '流失原因, once confirmed' }) reason!: string | null;
  @nullableInstant('when confirmed') confirmedAt!: string | null;
  @nullableInstant('when closed by an order') closedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the order that closed it' }) closedByOrderNo!: string | null;
  @ApiProperty() version!: number;

  /** The record with its customer as it is now (name, manager); the record's own copy if the customer is gone. */
  static from(record: ChurnRecord, customer?: Pick<Customer, 'id' | 'customerNo' | 'name' | 'manager'>): ChurnRecordResponse {
    return {
      id: record.id,
      customer: { id: record.customerId, customerNo: record.customerNo, name: customer?.name ?? record.customerName },
      manager: customer?.manager ?? record.manager,
      lastOrderDate: record.lastOrderDate,
      warnedAt: record.warnedAt.toISOString(),
      status: record.status,
      ...churnOutcome(record),
      closedByOrderNo: record.closedByOrderNo,
      version: record.version,
    };
  }
}

export class ChurnRecordPageResponse extends PageMetaDto {
  @ApiProperty({ type: [ChurnRecordResponse] }) items!: ChurnRecordResponse[];
}

export class ChurnScanResponse {
  @ApiProperty({ description: 'how many warnings this run created' }) created!: number;
}
