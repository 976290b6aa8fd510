import { ShutdownCoordinator } from './shutdown-coordinator';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ShutdownCoordinator', () => {
  it('runs the drainers one after the other in registration order, and only once', async () => {
    const coordinator = new ShutdownCoordinator({ timeoutMs: 1000 });
    const events: string[] = [];
    coordinator.registerDrainer('stop consuming', async () => {
      events.push('stop consuming: start');
      await sleep(20);
      events.push('stop consuming: end');
    });
    coordinator.registerDrainer('finish in-flight', () => {
      events.push('finish in-flight');
    });
    coordinator.registerDrainer('stop outbox relay', async () => {
      events.push('stop outbox relay');
    });

    expect(coordinator.isShuttingDown).toBe(false);
    const first = coordinator.shutdown('SIGTERM');
    expect(coordinator.isShuttingDown).toBe(true);
    const second = coordinator.shutdown('SIGINT');
    const report = await first;

    expect(await second).toBe(report);
    expect(events).toEqual(['stop consuming: start', 'stop consuming: end', 'finish in-flight', 'stop outbox relay']);
    expect(report).toMatchObject({ completed: ['stop consuming', 'finish in-flight', 'stop outbox relay'], timedOut: false, abandoned: [] });
  });

  it('bounds all drainers together by the timeout and skips the ones left', async () => {
    const coordinator = new ShutdownCoordinator({ timeoutMs: 100 });
    const ran: string[] = [];
    coordinator.registerDrainer('quick', async () => {
      ran.push('quick');
      await sleep(60);
    });
    coordinator.registerDrainer('stuck', async () => {
      ran.push('stuck');
      await new Promise(() => undefined);
    });
    coordinator.registerDrainer('never reached', () => {
      ran.push('never reached');
    });

    const started = Date.now();
    const report = await coordinator.shutdown();
    const elapsed = Date.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1000);
    expect(ran).toEqual(['quick', 'stuck']);
    expect(report).toMatchObject({ completed: ['quick'], abandoned: ['stuck', 'never reached'], timedOut: true });
  });

  it('goes on with the next drainer when one fails', async () => {
    const coordinator = new ShutdownCoordinator({ timeoutMs: 1000 });
    const ran: string[] = [];
    coordinator.registerDrainer('broken', () => {
      throw new Error('channel already closed');
    });
    coordinator.registerDrainer('next', () => {
      ran.push('next');
    });
    const report = await coordinator.shutdown();
    expect(ran).toEqual(['next']);
    expect(report.failed).toEqual([{ name: 'broken', error: 'channel already closed' }]);
    expect(report.completed).toEqual(['next']);
  });

  it('lets a drainer wait for tracked in-flight work', async () => {
    const coordinator = new ShutdownCoordinator({ timeoutMs: 1000 });
    let handled = false;
    void coordinator.trackInFlight(async () => {
      await sleep(50);
      handled = true;
    });
    expect(coordinator.inFlight.size).toBe(1);
    coordinator.registerDrainer('finish in-flight', () => coordinator.inFlight.idle());
    await coordinator.shutdown();
    expect(handled).toBe(true);
    expect(coordinator.inFlight.size).toBe(0);
  });
});
