import { MikroORM, OptimisticLockError } from '@mikro-orm/core';
import type { AuthenticatedUser } from '@crm/auth';
import { DomainError } from '@crm/contracts';
import { initOrm, runMigrations } from '@crm/persistence';
import { ormInput } from '../src/database/orm-input';
import { Opportunity } from '../src/opportunities/opportunity.entity';
import { PlanItem } from '../src/plans/plan-item.entity';
import { PlanItemsService } from '../src/plans/plan-items.service';

const user = (id: string, role: 'manager' | 'supervisor') => ({ id, name: id, roles: [role] }) as unknown as AuthenticatedUser;
const manager = user('u-m1', 'manager');
const supervisor = user('u-sup', 'supervisor');

/** The service's steps, to let another transaction commit between them. */
interface ServiceSteps {
  findVisible(...args: unknown[]): Promise<Opportunity>;
  findItem(...args: unknown[]): Promise<PlanItem>;
}

/**
 * A plan change racing with the opportunity's decision, on PostgreSQL (a pool of connections, row
 * locks, READ COMMITTED): whichever commits first wins and the other is refused — a plan item is
 * never written onto an opportunity decided meanwhile.
 */
describe('plan changes racing with the decision (PostgreSQL)', () => {
  const schema = `marketing_plan_race_${process.env.CRM_TEST_RUN_ID ?? 'x'}`.replace(/[^a-z0-9_]/g, '');
  let orm: MikroORM;
  let service: PlanItemsService;
  let steps: ServiceSteps;

  beforeAll(async () => {
    const input = ormInput({ DB_DRIVER: 'postgresql', DB_URL: process.env.CRM_TEST_PG_URL, DB_SCHEMA: schema });
    await runMigrations(input);
    orm = await initOrm(input);
  });

  afterAll(async () => {
    await orm?.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await orm?.close(true);
  });

  beforeEach(() => {
    service = new PlanItemsService(orm.em.fork());
    steps = service as unknown as ServiceSteps;
  });

  afterEach(() => jest.restoreAllMocks());

  async function assignedOpportunity(): Promise<string> {
    const opportunity = new Opportunity(
      { source: null, customerName: 'ACME', successRate: 50, summary: 's', contact: null, contactPhone: null, description: 'd' },
      supervisor,
    );
    opportunity.assign(manager, supervisor);
    await orm.em.fork().persist(opportunity).flush();
    return opportunity.id;
  }

  async function decide(id: string): Promise<void> {
    const em = orm.em.fork();
    (await em.findOneOrFail(Opportunity, id)).decide('failed', manager.id);
    await em.flush();
  }

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => (error instanceof DomainError ? error.code : Promise.reject(error)),
    );

  it('refuses a change whose check passed before a decision committed (409 PLAN.OPPORTUNITY_FINISHED, nothing written)', async () => {
    const id = await assignedOpportunity();
    const findVisible = steps.findVisible.bind(service);
    jest.spyOn(steps, 'findVisible').mockImplementationOnce(async (...args) => {
      const opportunity = await findVisible(...args);
      await decide(id); // commits on another connection after this transaction read 'assigned'
      return opportunity;
    });
    expect(await codeOf(service.add(manager, id, { date: '2026-12-01', todo: 'Visit' }))).toBe('PLAN.OPPORTUNITY_FINISHED');
    expect(await orm.em.fork().count(PlanItem, { opportunity: id })).toBe(0);
    expect((await orm.em.fork().findOneOrFail(Opportunity, id)).status).toBe('failed');
  });

  it('holds a decision back until the change commits, then refuses it (optimistic lock)', async () => {
    const id = await assignedOpportunity();
    const item = await service.add(manager, id, { date: '2026-12-01', todo: 'Visit' });
    let decision: Promise<unknown> | undefined;
    let settled = false;
    const findItem = steps.findItem.bind(service);
    jest.spyOn(steps, 'findItem').mockImplementationOnce(async (...args) => {
      decision = decide(id).finally(() => (settled = true));
      decision.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false); // blocked on the row this change has claimed
      return findItem(...args);
    });
    const updated = await service.update(supervisor, id, item.id, { result: 'Met the buyer' });
    expect(updated.result).toBe('Met the buyer');
    await expect(decision).rejects.toBeInstanceOf(OptimisticLockError);
    expect((await orm.em.fork().findOneOrFail(Opportunity, id)).status).toBe('assigned');
  });

  it('lets plan changes run at once without refusing each other', async () => {
    const id = await assignedOpportunity();
    const added = await Promise.all(
      Array.from({ length: 6 }, (_, i) => new PlanItemsService(orm.em.fork()).add(manager, id, { date: `2026-12-0${i + 1}`, todo: `Step ${i}` })),
    );
    expect(added).toHaveLength(6);
    const page = await service.list(manager, id, { page: 1, pageSize: 20, offset: 0 });
    expect(page.items.map((i) => i.date)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
  });
});
