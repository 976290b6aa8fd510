import { ValidateIf } from 'class-validator';
import { OptionalText, Phone, RequiredText, SuccessRate } from './opportunity-fields';

export class CreateOpportunityDto {
  @OptionalText(100, '机会来源') source?: string | null;
  @RequiredText(100, '客户名称') customerName!: string;
  @SuccessRate(true) successRate!: number;
  @RequiredText(200, '概要') summary!: string;
  @OptionalText(50, '联系人') contact?: string | null;
  @OptionalText(50, '联系人电话')
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Phone()
  contactPhone?: string | null;
  @RequiredText(2000, '机会描述') description!: string;
}
