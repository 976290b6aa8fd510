import type { OpenAPIObject } from '@nestjs/swagger';

type Schema = Record<string, unknown>;

/**
 * `@ApiProperty({ type: Dto, nullable: true })` comes out as `{nullable: true, allOf: [{$ref}]}`,
 * which OpenAPI 3.0.3 does not make nullable (`nullable` only widens an explicit `type`), so
 * validators and generated clients refuse the `null` the API sends (e.g. an unassigned
 * opportunity's `assignee`). Rewritten, once per document, as "the referenced schema, or null".
 */
export function normalizeNullableRefs(document: OpenAPIObject): OpenAPIObject {
  for (const schema of Object.values(document.components?.schemas ?? {})) visit(schema as Schema);
  return document;
}

function visit(schema: Schema): void {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [name, property] of Object.entries(properties)) {
    if (property.nullable === true && Array.isArray(property.allOf) && property.allOf.length === 1) {
      const { nullable: _nullable, allOf, type: _type, ...rest } = property;
      properties[name] = { ...rest, anyOf: [allOf[0], { type: 'object', nullable: true, enum: [null] }] };
    }
    if (property.type === 'array' && property.items) visit({ properties: { items: property.items as Schema } });
  }
}
