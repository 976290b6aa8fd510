import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Schema = Record<string, unknown>;
interface Operation {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/**
 * Checks real traffic against the served OpenAPI document (the gateway's merged one), so that
 * a client generated from it would work: the status must be documented for the operation, the
 * content type must be one it lists, and a JSON body must match the schema; and a JSON request a
 * service accepted must match the request schema (else a generated client could not send it). OpenAPI 3.0 schemas
 * are read as JSON Schema with `nullable` meaning what 3.0.3 says: null only where the schema's
 * own `type` allows it (so a nullable `allOf: [$ref]` does not accept null).
 */
export class OpenApiContractValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: { method: string; template: string; pattern: RegExp; operation: Operation }[] = [];

  constructor(document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: { schemas: mapValues(document.components?.schemas ?? {}, toJsonSchema) } });
    for (const [template, operations] of Object.entries(document.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, operation] of Object.entries(operations)) this.routes.push({ method: method.toUpperCase(), template, pattern, operation });
    }
    // Static paths before templated ones, as the routers match them (`/customers/export` before `/customers/{id}`).
    this.routes.sort((a, b) => Number(a.template.includes('{')) - Number(b.template.includes('{')));
  }

  static async load(gatewayUrl: string): Promise<OpenApiContractValidator> {
    return new OpenApiContractValidator((await (await fetch(`${gatewayUrl}/api/docs-json`)).json()) as OpenApiDocument);
  }

  /** The problems with a JSON request body that a service accepted; empty when the document allows it. */
  checkAcceptedRequest(method: string, url: string, body: unknown): string[] {
    const path = new URL(url, 'http://x').pathname;
    const route = this.route(method, path);
    if (!route) return [];
    const where = `${method} ${route.template} request`;
    const schema = route.operation.requestBody?.content?.['application/json']?.schema;
    if (!schema) return [`${where}: accepted a JSON body the document does not describe`];
    return this.validate(`${route.method} ${route.template} request`, schema, body).map((problem) => `${where}: body${problem}`);
  }

  private route(method: string, path: string) {
    return this.routes.find((r) => r.method === method && r.pattern.test(path));
  }

  private validate(key: string, schema: Schema, value: unknown): string[] {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema));
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
  }

  /** The problems with one response; empty when the document describes it. */
  check(method: string, url: string, status: number, contentType: string | null, body: unknown): string[] {
    const path = new URL(url, 'http://x').pathname;
    const route = this.route(method, path);
    // The gateway answers paths no service has with 404 (and tokenless calls to them with 401).
    if (!route) return status === 404 || status === 401 ? [] : [`${method} ${path} → ${status}: no such operation in the document`];
    const responses = route.operation.responses ?? {};
    const documented = responses[String(status)] ?? responses.default;
    const where = `${method} ${route.template} → ${status}`;
    if (!documented) return [`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`];
    const media = (contentType ?? '').split(';')[0].trim();
    const content = documented.content ?? {};
    if (Object.keys(content).length === 0) return body === undefined || body === '' ? [] : [`${where}: documented without a body, answered ${media}`];
    if (!content[media]) return [`${where}: content type ${media || '(none)'} not documented (documented: ${Object.keys(content).join(', ')})`];
    const schema = content[media].schema;
    if (!schema || !/json/.test(media)) return [];
    return this.validate(`${route.method} ${route.template} ${status} ${media}`, schema, body).map((problem) => `${where}: body${problem}`);
  }
}

/** OpenAPI 3.0 schema → JSON Schema: `nullable` adds null to an explicit `type`; refs point into the shared schema. */
function toJsonSchema(value: unknown): Schema {
  if (Array.isArray(value)) return value.map(toJsonSchema) as unknown as Schema;
  if (!value || typeof value !== 'object') return value as Schema;
  const out: Schema = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '$ref' && typeof child === 'string') out.$ref = child.replace(/^#\/components\//, 'openapi#/components/');
    else if (key !== 'nullable' && key !== 'example') out[key] = toJsonSchema(child);
  }
  const schema = value as Schema;
  if (schema.nullable === true && typeof schema.type === 'string') out.type = [schema.type, 'null'];
  if (schema.nullable === true && Array.isArray(schema.enum)) out.enum = [...(schema.enum as unknown[]), null];
  return out;
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
