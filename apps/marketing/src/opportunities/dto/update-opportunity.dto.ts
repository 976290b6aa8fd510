import { ValidateIf } from 'class-validator';
import { OmittableNotNull, OptionalText, Phone, RequiredText, SuccessRate } from './opportunity-fields';

/** Only the fields §1.1 lets users edit; anything else (status, assignee, createdBy …) is a 400. */
export class UpdateOpportunityDto {
  @OptionalText(100, '机会来源') source?: string | null;
  @OmittableNotNull() @RequiredText(100, '客户名称') customerName?: string;
  @SuccessRate(false) successRate?: number;
  @OmittableNotNull() @RequiredText(200, '概要') summary?: string;
  @OptionalText(50, '联系人') contact?: string | null;
  @OptionalText(50, '联系人电话')
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Phone()
  contactPhone?: string | null;
  @OmittableNotNull() @RequiredText(2000, '机会描述') description?: string;
}
