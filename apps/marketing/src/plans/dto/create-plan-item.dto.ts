import { CalendarDate, RequiredText } from '@crm/service-kit';

export class CreatePlanItemDto {
  @CalendarDate('计划日期: the day the item is planned for; not editable afterwards') date!: string;
  @RequiredText(500, '计划内容') todo!: string;
}
