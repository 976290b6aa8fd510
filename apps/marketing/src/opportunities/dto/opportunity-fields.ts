import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** A required text field: a string, not blank after trimming, at most `max` characters. */
export function RequiredText(max: number, description: string) {
  return applyDecorators(ApiProperty({ maxLength: max, description }), trim, IsString(), IsNotEmpty(), MaxLength(max));
}

/** An optional text field; `null` or an empty string clears it. */
export function OptionalText(max: number, description: string) {
  return applyDecorators(
    ApiPropertyOptional({ maxLength: max, nullable: true, description }),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() || null : value)),
    IsOptional(),
    ValidateIf((_, value) => value !== null),
    IsString(),
    MaxLength(max),
  );
}

/**
 * For PATCH: the field may be left out, but when present it must be valid — unlike
 * `@IsOptional()`, `null` is not a way around a required field.
 */
export function OmittableNotNull() {
  return ValidateIf((_, value) => value !== undefined);
}

export function SuccessRate(required: boolean) {
  return applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({ minimum: 0, maximum: 100, description: '成功机率, percent' }),
    ...(required ? [] : [OmittableNotNull()]),
    IsInt(),
    Min(0),
    Max(100),
  );
}

export function Phone() {
  return Matches(/^[0-9+()\-\s]{3,50}$/, { message: 'contactPhone must be a phone number (digits, spaces, + - ( ))' });
}
