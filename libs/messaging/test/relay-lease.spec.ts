import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteTopology, TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { eventsExchangeArguments, MessagingOptions, OutboxMessage, OutboxRelay, topologyNames } from '../src';
import { startWidgetApp, WidgetApp } from './fixtures/widget-app';

/** A relay that stalls after leasing its rows (a long GC pause, a blocked event loop, a slow database). */
class StallingRelay extends OutboxRelay {
  duringStall: () => Promise<void> = async () => undefined;
  protected override async beforePublish(): Promise<void> {
    await this.duringStall();
  }
}

describe('an outbox relay that lost its lease', () => {
  const options: MessagingOptions = {
    service: 'widgets',
    amqpUrl: testAmqpUrl(),
    exchange: uniqueName('crm.events.lease'),
    prefetch: 10,
    deliveryLimit: 3,
    outboxPollMs: 60_000,
    consumes: false,
    outboxLeaseMs: 500,
  };
  let widgetApp: WidgetApp;
  let subscriber: TestSubscriber;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    subscriber = await TestSubscriber.bind({ exchange: options.exchange, pattern: 'widgets.#', exchangeArguments: eventsExchangeArguments(options) });
    const dir = mkdtempSync(join(tmpdir(), 'crm-lease-'));
    widgetApp = await startWidgetApp(options, { DB_DRIVER: 'sqlite', DB_NAME: join(dir, 'widgets.sqlite') });
    await widgetApp.app.get(OutboxRelay).stop(); // the two relays below are driven by hand
  });

  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    await subscriber?.close();
    await widgetApp?.app.close();
    const names = topologyNames(options);
    await deleteTopology({ queues: [names.unroutedQueue], exchanges: [names.exchange, names.unroutedExchange] });
  });

  it('publishes nothing that another relay took over meanwhile, and marks nothing it no longer holds', async () => {
    for (let i = 0; i < 5; i++) await widgetApp.widgets.rename(`lease-${i}`, `name ${i}`);
    const stalled = new StallingRelay(widgetApp.orm, options);
    const other = new OutboxRelay(widgetApp.orm, options);
    relays.push(stalled, other);
    let tookOver = 0;
    stalled.duringStall = async () => {
      await new Promise((resolve) => setTimeout(resolve, options.outboxLeaseMs! + 200));
      tookOver = await other.relayOnce(); // the lease expired: the other replica publishes the rows
    };
    const sentByStalled = await stalled.relayOnce();
    expect(tookOver).toBe(5);
    expect(sentByStalled).toBe(0);
    await waitUntil(() => subscriber.messages.length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate would arrive by now
    const ids = subscriber.messages.map((m) => (m.body.data as { widgetId: string }).widgetId);
    expect(ids).toEqual(['lease-0', 'lease-1', 'lease-2', 'lease-3', 'lease-4']);
    expect(await widgetApp.orm.em.fork().count(OutboxMessage, { sentAt: null })).toBe(0);
  });
});
