import type { HealthIndicatorRegistration } from '@crm/observability';
import type { OutboxRelay } from '@crm/messaging';
import type { PersistenceHealth } from '@crm/persistence';

/** Without its database a service can answer nothing: readiness fails. */
export function databaseIndicator(database: PersistenceHealth): HealthIndicatorRegistration {
  return {
    name: 'database',
    check: async () => {
      const result = await database.ping();
      if (!result.ok) throw new Error(result.reason);
    },
  };
}

/**
 * The broker is reported, not required: while it is away, reads work and writes still commit
 * (their events wait in the outbox), so taking the pod out of service would turn a broker outage
 * into an API outage. The details say whether it is connected and how many events wait.
 */
export function brokerIndicator(relay: OutboxRelay): HealthIndicatorRegistration {
  return {
    name: 'broker',
    check: async () => ({
      connected: relay.brokerConnected,
      outboxBacklog: await relay.backlog(),
      ...(relay.brokerConnected ? {} : { degraded: 'events are kept in the outbox until the broker is back' }),
    }),
  };
}
