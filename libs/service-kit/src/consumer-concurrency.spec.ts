import { z } from 'zod';
import { serviceEnv } from '@crm/config';
import { consumerConcurrency } from './service-platform.module';

const env = (overrides: Record<string, string>) => z.object(serviceEnv).parse(overrides);

describe('consumerConcurrency: event handlers share the database pool with HTTP', () => {
  it('defaults to half the pool, never more than the prefetch', () => {
    expect(consumerConcurrency(env({}))).toBe(5); // pool 10
    expect(consumerConcurrency(env({ DB_POOL_MAX: '40', AMQP_PREFETCH: '8' }))).toBe(8);
  });

  it('refuses at boot a setting that would leave HTTP less than half the pool', () => {
    expect(() => consumerConcurrency(env({ DB_POOL_MAX: '10', AMQP_CONSUMER_CONCURRENCY: '8' }))).toThrow(/more than half of DB_POOL_MAX=10/);
    expect(consumerConcurrency(env({ DB_POOL_MAX: '10', AMQP_CONSUMER_CONCURRENCY: '3' }))).toBe(3);
  });
});
