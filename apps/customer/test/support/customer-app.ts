import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MikroORM } from '@mikro-orm/core';
import type { Role } from '@crm/contracts';
import { AuthError, type AuthenticatedUser, TokenVerifier } from '@crm/auth';
import { ConsumerChannels, ConsumerHealth, eventConsumerStrategy, EventInbox, ScheduledJobs, topologyNames } from '@crm/messaging';
import { type DatabaseSettings, initOrm, runMigrations } from '@crm/persistence';
import { configureHttp, createFastifyAdapter, messagingOptionsFor } from '@crm/service-kit';
import { deleteTopology, testAmqpUrl, uniqueName } from '@crm/testing';
import { AppModule } from '../../src/app.module';
import { Clock } from '../../src/churn/clock';
import { customerConfig } from '../../src/config/customer.config';
import { ormInput } from '../../src/database/orm-input';

/** Users the test signs in as (the realm export's, which the users directory reads): the token is the user name. */
export const USERS: Record<string, { id: string; name: string; roles: Role[] }> = {
  admin: { id: '9bc9bf69-e2f8-4129-a1e7-e411e0ea3567', name: 'Alice Admin', roles: ['admin'] },
  supervisor: { id: '8d2dccf1-e3e2-4c08-9d5e-7f9468fec5b0', name: 'Sam Supervisor', roles: ['supervisor'] },
  executive: { id: '7f60588d-295f-47ea-bcc4-685357800e77', name: 'Erin Executive', roles: ['executive'] },
  manager1: { id: 'd2632004-dc7f-409e-a34f-dcd54984c16f', name: 'Maria Manager', roles: ['manager'] },
  manager2: { id: '08e0e26a-8462-4330-8199-eb23761aea86', name: 'Mark Manager', roles: ['manager'] },
};

/** Stands in for Keycloak: a token is a user name of USERS (the real verifier has tests of its own). */
class UserNameTokens extends TokenVerifier {
  async verify(token: string): Promise<AuthenticatedUser> {
    const user = USERS[token];
    if (!user) throw AuthError.invalid('unknown test user');
    return { ...user, username: token, clientId: 'crm-cli', token, expiresAt: new Date(Date.now() + 3_600_000) };
  }
}

/** A clock the test sets. */
export class TestClock extends Clock {
  constructor(public current: Date) {
    super();
  }

  now(): Date {
    return this.current;
  }
}

export interface CustomerApp {
  app: NestFastifyApplication;
  orm: MikroORM;
  exchange: string;
  clock: TestClock;
  /** Whether a consumer (e.g. `order-activity`) has applied this event. */
  handled(consumer: string, eventId: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The whole customer service in this process — its AppModule, HTTP through Fastify's inject, the
 * event consumer on a real RabbitMQ (an exchange and queues of its own) and its migrated database —
 * with a clock the test moves and tokens named after users.
 */
export async function startCustomerApp(db: DatabaseSettings, clock: TestClock): Promise<CustomerApp> {
  const config = customerConfig({
    DB_DRIVER: db.DB_DRIVER,
    ...(db.DB_NAME ? { DB_NAME: db.DB_NAME } : {}),
    ...(db.DB_URL ? { DB_URL: db.DB_URL } : {}),
    ...(db.DB_SCHEMA ? { DB_SCHEMA: db.DB_SCHEMA } : {}),
    AMQP_URL: testAmqpUrl(),
    EVENTS_EXCHANGE: uniqueName('crm.events.customer'),
    AMQP_QUEUE_PREFIX: `${uniqueName('churn')}.`,
    OUTBOX_POLL_MS: '200',
    LOG_LEVEL: 'warn',
    COMPANY_TIME_ZONE: 'Asia/Shanghai',
  });
  await runMigrations(ormInput(config));
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
    .overrideProvider(TokenVerifier)
    .useValue(new UserNameTokens())
    .overrideProvider(Clock)
    .useValue(clock)
    // The schedule follows the test's clock, and does not tick by itself during the test.
    .overrideProvider(ScheduledJobs)
    .useFactory({ factory: (orm: MikroORM) => new ScheduledJobs(orm, { now: () => clock.now(), tickMs: 3_600_000 }), inject: [MikroORM] })
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), { logger: ['error', 'warn'] });
  configureHttp(app);
  const messaging = messagingOptionsFor('customer', config, true);
  app.connectMicroservice(eventConsumerStrategy(messaging, app.get(ConsumerChannels), app.get(ConsumerHealth)), { inheritAppConfig: true });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await app.startAllMicroservices();
  const orm: MikroORM = app.get(MikroORM);
  const inbox = app.get(EventInbox);
  const names = topologyNames(messaging);
  return {
    app,
    orm,
    exchange: config.EVENTS_EXCHANGE,
    clock,
    handled: (consumer, eventId) => inbox.hasProcessed(`customer:${consumer}`, eventId),
    close: async () => {
      await app.close();
      if (db.DB_DRIVER === 'postgresql') {
        const owner = await initOrm(ormInput(config));
        await owner.em.getConnection().execute(`drop schema if exists "${db.DB_SCHEMA}" cascade`);
        await owner.close(true);
      }
      await deleteTopology({
        queues: [names.consumerQueue, names.deadLetterQueue, names.unroutedQueue, ...names.retryQueues.map((retry) => retry.queue)],
        exchanges: [names.exchange, names.unroutedExchange, names.deadLetterExchange],
      });
    },
  };
}
