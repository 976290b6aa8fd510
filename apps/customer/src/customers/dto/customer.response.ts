import { ApiProperty } from '@nestjs/swagger';
import { CUSTOMER_STATUSES, CustomerStatus } from '@crm/contracts';
import { PageMetaDto, UserRefDto } from '@crm/service-kit';
import { Customer, missingRequired } from '../customer.entity';

const text = (description: string) => ApiProperty({ type: String, nullable: true, description });
const int = (description: string) => ApiProperty({ type: Number, nullable: true, description });

export class CustomerResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: '客户编号: KH + date + sequence' }) customerNo!: string;
  @ApiProperty() name!: string;
  @text('地区') region!: string | null;
  @ApiProperty({ type: UserRefDto, description: '客户经理' }) manager!: UserRefDto;
  @text('客户等级') level!: string | null;
  @int('客户满意度 1–5') satisfaction!: number | null;
  @int('客户信用度 1–5') credit!: number | null;
  @text('地址') address!: string | null;
  @text('邮政编码') zip!: string | null;
  @text('电话') phone!: string | null;
  @text('传真') fax!: string | null;
  @text('网址') website!: string | null;
  @text('营业执照注册号') licenceNo!: string | null;
  @text('法人') legalPerson!: string | null;
  @int('注册资金, 万元') registeredCapital!: number | null;
  @int('年营业额, 万元') annualTurnover!: number | null;
  @text('开户银行') bank!: string | null;
  @text('银行帐号') bankAccount!: string | null;
  @text('地税登记号') localTaxNo!: string | null;
  @text('国税登记号') nationalTaxNo!: string | null;
  @ApiProperty({ enum: CUSTOMER_STATUSES }) status!: CustomerStatus;
  @text('the opportunity whose success created it') sourceOpportunityId!: string | null;
  @ApiProperty({ description: 'false until every required (*) field has a value' }) complete!: boolean;
  @ApiProperty({ type: UserRefDto }) createdBy!: UserRefDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'the record version; also its ETag, to send back in If-Match' }) version!: number;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'its latest order in the sales system (any status), from the order events; null: none known' })
  lastOrderDate!: string | null;

  static from(customer: Customer, lastOrderDate: string | null = null): CustomerResponse {
    return {
      id: customer.id,
      customerNo: customer.customerNo,
      ...customer.details,
      manager: customer.manager,
      status: customer.status,
      sourceOpportunityId: customer.sourceOpportunityId,
      complete: missingRequired(customer).length === 0,
      createdBy: customer.createdBy,
      createdAt: customer.createdAt.toISOString(),
      updatedAt: customer.updatedAt.toISOString(),
      version: customer.version,
      lastOrderDate,
    };
  }
}

export class CustomerPageResponse extends PageMetaDto {
  @ApiProperty({ type: [CustomerResponse] }) items!: CustomerResponse[];
}
