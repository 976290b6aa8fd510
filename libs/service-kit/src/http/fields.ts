import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, ValidateBy, ValidateIf } from 'class-validator';

/**
 * Field decorators for request DTOs, shared by every service so that a "required text" or a
 * "calendar date" means the same everywhere: validated, documented in OpenAPI, and trimmed.
 */
const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const trimToNull = Transform(({ value }) => (typeof value === 'string' ? value.trim() || null : value));

/** A required text field: a string, not blank after trimming, at most `max` characters. */
export function RequiredText(max: number, description: string) {
  return applyDecorators(ApiProperty({ maxLength: max, description }), trim, IsString(), IsNotEmpty(), MaxLength(max));
}

/** An optional text field; `null` or an empty string clears it. */
export function OptionalText(max: number, description: string) {
  return applyDecorators(
    ApiPropertyOptional({ maxLength: max, nullable: true, type: String, description }),
    trimToNull,
    ValidateIf((_, value) => value !== null && value !== undefined),
    IsString(),
    MaxLength(max),
  );
}

/**
 * For PATCH: the field may be left out, but when present it must be valid — unlike
 * `@IsOptional()`, `null` is not a way around a required field. Documented as not required.
 */
export function OmittableNotNull() {
  return applyDecorators(ValidateIf((_, value) => value !== undefined), ApiPropertyOptional());
}

/**
 * A pattern checked only when a value is given. Not `ValidateIf`: that would switch off every other
 * validator of the property too, so a required field left out would pass.
 */
export function MatchesWhenGiven(pattern: RegExp, message: string) {
  return ValidateBy({
    name: 'matchesWhenGiven',
    validator: {
      validate: (value: unknown) => value === null || value === undefined || (typeof value === 'string' && pattern.test(value)),
      defaultMessage: () => message,
    },
  });
}

/** Digits, spaces and + - ( ), as phone numbers are written; checked only when a value is given. */
export function PhoneNumber(field: string) {
  return MatchesWhenGiven(/^[0-9+()\-\s]{3,50}$/, `${field} must be a phone number (digits, spaces, + - ( ))`);
}

/** A whole number in [min, max]; required unless `omittable` (PATCH), and never null. */
export function IntegerInRange(min: number, max: number, description: string, omittable = false) {
  return applyDecorators(
    (omittable ? ApiPropertyOptional : ApiProperty)({ type: Number, minimum: min, maximum: max, description }),
    ...(omittable ? [OmittableNotNull()] : []),
    IsInt(),
    Min(min),
    Max(max),
  );
}

/** A whole number in [min, max] that may be left out or cleared with null. */
export function OptionalInteger(min: number, max: number, description: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: Number, nullable: true, minimum: min, maximum: max, description }),
    ValidateIf((_, value) => value !== null && value !== undefined),
    IsInt(),
    Min(min),
    Max(max),
  );
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` naming a day that exists (2026-02-30 does not), from year 1000 to 9999. */
export function isCalendarDate(value: unknown): value is string {
  const match = typeof value === 'string' ? CALENDAR_DATE.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1000 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A required calendar date field (contract "HTTP conventions": `YYYY-MM-DD`). */
export function CalendarDate(description: string) {
  return applyDecorators(
    ApiProperty({ type: String, format: 'date', example: '2026-12-01', description }),
    ValidateBy({
      name: 'isCalendarDate',
      validator: { validate: (value) => isCalendarDate(value), defaultMessage: (args) => `${args?.property} must be a calendar date YYYY-MM-DD` },
    }),
  );
}
