import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IntegerInRange, MatchesWhenGiven, OmittableNotNull, OptionalInteger, OptionalText, PhoneNumber, RequiredText } from '@crm/service-kit';

/**
 * The fields of §2.1 as request properties, declared once for create and edit. In an edit every
 * one may be left out; a required one (*) may not be set to null, and after the edit all of them
 * must have a value (checked by the entity, which knows the stored values too).
 */
export function CustomerText(max: number, description: string, required: boolean, omittable: boolean) {
  if (!required) return OptionalText(max, description);
  return omittable ? applyDecorators(OmittableNotNull(), RequiredText(max, description)) : RequiredText(max, description);
}

export function Rating(description: string, omittable: boolean) {
  return IntegerInRange(1, 5, description, omittable);
}

export function Amount(description: string) {
  return OptionalInteger(0, 1_000_000_000, description);
}

export function Phone(field: string, description: string, required: boolean, omittable: boolean) {
  return applyDecorators(CustomerText(50, description, required, omittable), PhoneNumber(field));
}

export function Zip(required: boolean, omittable: boolean) {
  return applyDecorators(
    CustomerText(10, '邮政编码', required, omittable),
    MatchesWhenGiven(/^[0-9A-Za-z -]{3,10}$/, 'zip must be a postal code (letters, digits, spaces, -)'),
  );
}

export function ManagerId(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ description, maxLength: 64 }),
    OmittableNotNull(),
    RequiredText(64, description),
  );
}
