import type { HealthIndicatorRegistration } from '@crm/observability';
import type { ConsumerHealth, OutboxRelay } from '@crm/messaging';
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

/**
 * A consumer the broker refused (its queue exists with other arguments, or permissions are
 * missing) fails readiness: events would pile up unseen, and a rollout of such a version must
 * stop. A broker that is merely away is reported only, like the publisher.
 */
export function consumerIndicator(consumer: ConsumerHealth): HealthIndicatorRegistration {
  return {
    name: 'consumer',
    check: async () => {
      const status = consumer.current;
      if (status.state === 'refused') throw new Error(`the broker refused the event consumer: ${status.reason}`);
      return { ...status };
    },
  };
}
