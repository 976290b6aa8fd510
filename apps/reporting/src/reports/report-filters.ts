import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2999;
const YEAR_MESSAGE = `year must be a 4-digit year from ${MIN_YEAR} to ${MAX_YEAR}`;

/**
 * `?year=2026`: four digits, 1900–2999; anything else (`26`, `02026`, `2026.0`, two years) is a
 * 400 naming `year`. Left out: every year.
 */
export function ReportYear(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: Number, minimum: MIN_YEAR, maximum: MAX_YEAR, example: 2026, description }),
    IsOptional(),
    Transform(({ value }) => (typeof value === 'string' && /^\d{4}$/.test(value) ? Number(value) : value)),
    IsInt({ message: YEAR_MESSAGE }),
    Min(MIN_YEAR, { message: YEAR_MESSAGE }),
    Max(MAX_YEAR, { message: YEAR_MESSAGE }),
  );
}

/** A "contains" filter on a name (at most 100 characters). */
export function NameContains(description: string) {
  return applyDecorators(ApiPropertyOptional({ maxLength: 100, description }), IsOptional(), IsString(), MaxLength(100));
}
