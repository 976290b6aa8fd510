import { IntegerInRange, OptionalText, PhoneNumber, RequiredText } from '@crm/service-kit';

export class CreateOpportunityDto {
  @OptionalText(100, '机会来源') source?: string | null;
  @RequiredText(100, '客户名称') customerName!: string;
  @IntegerInRange(0, 100, '成功机率, percent') successRate!: number;
  @RequiredText(200, '概要') summary!: string;
  @OptionalText(50, '联系人') contact?: string | null;
  @OptionalText(50, '联系人电话') @PhoneNumber('contactPhone') contactPhone?: string | null;
  @RequiredText(2000, '机会描述') description!: string;
}
