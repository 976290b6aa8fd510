import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldError } from '@crm/contracts';

export class RequestValidationError extends DomainError {
  constructor(errors: FieldError[]) {
    super('VALIDATION.FAILED', 'invalid', 'The request has invalid fields.', errors);
  }
}

/** `items[0].name`-style paths for nested DTO errors, one entry per failed constraint. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property \S+ should not exist$/, 'is not allowed'),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * Every boundary validates: unknown properties are rejected (no mass assignment), payloads are
 * transformed to their DTO classes, and failures become 400 problems listing every field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}
