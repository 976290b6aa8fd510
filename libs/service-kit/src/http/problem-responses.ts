import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'customerName' }) field!: string;
  @ApiProperty({ example: 'customerName should not be empty' }) message!: string;
}

/** application/problem+json (RFC 9457) as every CRM process answers errors. */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'https://crm.example.com/problems/opportunity-not-unassigned' }) type!: string;
  @ApiProperty({ example: 'Conflict' }) title!: string;
  @ApiProperty({ example: 409 }) status!: number;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty({ description: 'stable error code', example: 'OPPORTUNITY.NOT_UNASSIGNED' }) code!: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (`VALIDATION.FAILED` lists `errors` field by field)',
  401: 'Missing, invalid or expired access token',
  403: 'Valid token, but the role or record ownership does not allow this',
  404: 'No such record, or the caller may not see it',
  409: 'The record is in the wrong state for this action, or a concurrent change won',
  412: 'If-Match names a version that is no longer current: reload and retry',
  413: 'The upload is larger than allowed',
  429: 'Rate limit reached; see Retry-After',
};

/** Documents the problem responses an operation can give, so the OpenAPI document tells the truth. */
export function ApiProblemResponses(...statuses: (keyof typeof DESCRIPTIONS)[]) {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto, FieldErrorDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
      }),
    ),
  );
}
