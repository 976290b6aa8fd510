import { OmittableNotNull, OptionalText, RequiredText } from '@crm/service-kit';

/** The todo and the execution record; `date` (not editable, §1.2) and anything else is a 400. */
export class UpdatePlanItemDto {
  @OmittableNotNull() @RequiredText(500, '计划内容') todo?: string;
  @OptionalText(500, '执行效果: what came of it; null or "" clears it') result?: string | null;
}
