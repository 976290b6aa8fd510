import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, ValidateBy, type ValidationArguments } from 'class-validator';
import { TICKET_STATUSES, type TicketStatus } from '@crm/contracts';
import { CalendarDate, isCalendarDate, PageQueryDto } from '@crm/service-kit';

const optionalText = (max: number, description: string) => applyDecorators(ApiPropertyOptional({ maxLength: max, description }), IsOptional(), IsString(), MaxLength(max));

/**
 * A creation date bound: a calendar day of the company's time zone (COMPANY_TIME_ZONE), inclusive.
 * Documented last: it overrides the required-ness CalendarDate documents.
 */
const dayBound = (description: string, ...more: PropertyDecorator[]) =>
  applyDecorators(IsOptional(), CalendarDate(description), ...more, ApiPropertyOptional({ type: String, format: 'date', example: '2026-12-01', description }));

const notBeforeCreatedFrom = ValidateBy({
  name: 'notBeforeCreatedFrom',
  validator: {
    validate: (createdTo: unknown, args?: ValidationArguments) => {
      const createdFrom = (args?.object as ListTicketsQuery | undefined)?.createdFrom;
      // Only between two real days: a malformed bound has its own error.
      return !isCalendarDate(createdFrom) || !isCalendarDate(createdTo) || createdFrom <= createdTo;
    },
    defaultMessage: () => 'createdTo must not be before createdFrom',
  },
});

/** The list and the archive query (服务归档: `status=archived`), newest first. */
export class ListTicketsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: TICKET_STATUSES, description: '`archived` for the service archive (服务归档)' })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

  @optionalText(64, 'tickets of this customer (its id)') customerId?: string;
  @optionalText(100, 'the customer’s name (as when the ticket was created) contains') customerName?: string;
  @optionalText(200, '概要 contains') summary?: string;
  @optionalText(200, '服务类型, exactly (the dictionary item’s text)') type?: string;
  @optionalText(64, 'tickets assigned to this user') assigneeId?: string;
  @dayBound('created on or after this day (YYYY-MM-DD, the company’s time zone)') createdFrom?: string;
  @dayBound('created on or before this day (YYYY-MM-DD, the company’s time zone)', notBeforeCreatedFrom) createdTo?: string;
}
