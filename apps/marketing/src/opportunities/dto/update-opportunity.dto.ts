import { IntegerInRange, OmittableNotNull, OptionalText, PhoneNumber, RequiredText } from '@crm/service-kit';

/** Only the fields §1.1 lets users edit; anything else (status, assignee, createdBy …) is a 400. */
export class UpdateOpportunityDto {
  @OptionalText(100, '机会来源') source?: string | null;
  @OmittableNotNull() @RequiredText(100, '客户名称') customerName?: string;
  @IntegerInRange(0, 100, '成功机率, percent', true) successRate?: number;
  @OmittableNotNull() @RequiredText(200, '概要') summary?: string;
  @OptionalText(50, '联系人') contact?: string | null;
  @OptionalText(50, '联系人电话') @PhoneNumber('contactPhone') contactPhone?: string | null;
  @OmittableNotNull() @RequiredText(2000, '机会描述') description?: string;
}
