import type { OpenAPIObject } from '@nestjs/swagger';
import { normalizeNullableRefs } from './openapi-nullable';

describe('normalizeNullableRefs', () => {
  it('turns a nullable allOf [$ref] into "the referenced schema, or null" and leaves the rest alone', () => {
    const ref = { $ref: '#/components/schemas/UserRefDto' };
    const document = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {},
      components: {
        schemas: {
          Opportunity: {
            type: 'object',
            properties: {
              assignee: { nullable: true, type: 'object', allOf: [ref], description: 'set by assignment' },
              createdBy: { allOf: [ref] },
              source: { type: 'string', nullable: true },
            },
          },
        },
      },
    } as unknown as OpenAPIObject;
    const properties = (normalizeNullableRefs(document).components!.schemas!.Opportunity as { properties: Record<string, unknown> }).properties;
    expect(properties.assignee).toEqual({ description: 'set by assignment', anyOf: [ref, { type: 'object', nullable: true, enum: [null] }] });
    expect(properties.createdBy).toEqual({ allOf: [ref] });
    expect(properties.source).toEqual({ type: 'string', nullable: true });
  });
});
