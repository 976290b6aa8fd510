import { OpenApiContractValidator } from './openapi-validator';

const ref = { $ref: '#/components/schemas/UserRef' };
const document = {
  paths: {
    '/api/v1/things/{id}': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          '404': { content: { 'application/problem+json': { schema: { type: 'object' } } } },
        },
      },
    },
    '/api/v1/things/export': { get: { responses: { '200': { content: { 'text/csv': {} } } } } },
    '/api/v1/things': {
      post: {
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, source: { type: 'string' } } } } } },
        responses: { '201': { content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
    '/api/v1/things/{id}/touch': { post: { responses: { '204': {} } } },
  },
  components: {
    schemas: {
      UserRef: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      Thing: {
        type: 'object',
        required: ['name', 'owner', 'assignee'],
        properties: {
          name: { type: 'string' },
          note: { type: 'string', nullable: true },
          owner: { nullable: true, allOf: [ref] },
          assignee: { anyOf: [ref, { type: 'object', nullable: true, enum: [null] }] },
        },
      },
    },
  },
};

describe('OpenApiContractValidator', () => {
  const validator = new OpenApiContractValidator(document);
  const thing = (overrides: object) => ({ name: 'n', note: null, owner: { id: 'u' }, assignee: null, ...overrides });

  it('accepts what the document describes', () => {
    expect(validator.check('GET', '/api/v1/things/1', 200, 'application/json; charset=utf-8', thing({}))).toEqual([]);
    expect(validator.check('GET', '/api/v1/things/1', 404, 'application/problem+json', {})).toEqual([]);
  });

  it('reads nullable as OpenAPI 3.0.3 does: null only beside an explicit type, not on allOf [$ref]', () => {
    expect(validator.check('GET', '/api/v1/things/1', 200, 'application/json', thing({ owner: null }))).toEqual([
      expect.stringContaining('body/owner'),
    ]);
  });

  it('reports an undocumented status, content type or shape', () => {
    expect(validator.check('GET', '/api/v1/things/1', 503, 'application/problem+json', {})[0]).toContain('status not documented');
    expect(validator.check('GET', '/api/v1/things/1', 200, 'text/html', '<p>')[0]).toContain('content type text/html not documented');
    expect(validator.check('GET', '/api/v1/things/1', 200, 'application/json', { name: 1 }).length).toBeGreaterThan(1);
    expect(validator.check('POST', '/api/v1/things/1', 201, 'application/json', {})[0]).toContain('no such operation');
  });

  it('matches a static path before a templated one', () => {
    expect(validator.check('GET', '/api/v1/things/export', 200, 'text/csv', 'a,b')).toEqual([]);
  });

  it('checks a JSON request a service accepted against the request schema', () => {
    expect(validator.checkAcceptedRequest('POST', '/api/v1/things', { name: 'n', source: 'web' })).toEqual([]);
    // A field the service takes as text but the document types otherwise (as `source` once was).
    expect(validator.checkAcceptedRequest('POST', '/api/v1/things', { name: 'n', source: {} })).toEqual([expect.stringContaining('body/source')]);
    expect(validator.checkAcceptedRequest('POST', '/api/v1/things/1/touch', { at: 1 })[0]).toContain('does not describe');
  });
});
