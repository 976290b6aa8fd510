import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { amqpEnv, databaseEnv, httpEnv, serviceEnv } from './fragments';

describe('loadConfig', () => {
  it('applies defaults and coerces numbers and booleans from strings', () => {
    const config = loadConfig(z.object({ ...httpEnv, ...databaseEnv, ...amqpEnv }), { HTTP_PORT: '4000', DB_DEBUG: 'true' });
    expect(config).toMatchObject({ HTTP_PORT: 4000, HTTP_HOST: '127.0.0.1', DB_DRIVER: 'sqlite', DB_DEBUG: true, EVENTS_EXCHANGE: 'crm.events' });
  });

  it('refuses to boot with every wrong variable listed by name', () => {
    try {
      loadConfig(z.object(serviceEnv), { HTTP_PORT: 'eighty', DB_DRIVER: 'oracle', AUTH_URL: 'not a url' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const variables = (error as ConfigError).issues.map((i) => i.variable).sort();
      expect(variables).toEqual(['AUTH_URL', 'DB_DRIVER', 'HTTP_PORT']);
      expect((error as ConfigError).message).toContain('HTTP_PORT');
    }
  });
});
