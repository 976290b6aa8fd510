import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsyncApiDocument } from './asyncapi';
import { EVENT_CATALOGUE } from './catalogue';

const COMMITTED = join(__dirname, '..', '..', '..', '..', 'docs', 'events', 'asyncapi.json');

describe('AsyncAPI document of the events', () => {
  const generated = JSON.stringify(buildAsyncApiDocument(), null, 2) + '\n';

  it('is the committed docs/events/asyncapi.json (refresh with UPDATE_ASYNCAPI=1)', () => {
    if (process.env.UPDATE_ASYNCAPI === '1') writeFileSync(COMMITTED, generated);
    expect(readFileSync(COMMITTED, 'utf8')).toBe(generated);
  });

  it('describes every event type of the catalogue with its data schema', () => {
    const document = buildAsyncApiDocument();
    for (const type of EVENT_CATALOGUE.keys()) {
      const message = document.components.messages[type.replace(/\./g, '_')] as { payload: { properties: { data: { required?: string[] } } } };
      expect(message).toBeDefined();
      // Contract: every event's data carries its aggregate's id and version.
      expect(message.payload.properties.data.required).toContain('version');
      expect(message.payload.properties.data.required?.some((field) => /Id$/.test(field))).toBe(true);
    }
  });
});
