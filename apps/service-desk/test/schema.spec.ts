import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { describeServiceSchema, expectTextIndexServes } from '@crm/testing';
import { ENTITIES, ormInput, SERVICE_NAME } from '../src/database/orm-input';
import { Ticket } from '../src/tickets/ticket.entity';

const at = (iso: string) => new Date(iso);
const customer = (name: string) => ({ id: `c-${name}`, customerNo: 'KH202611290001', name });

/**
 * A ticket that went through a round of handling and feedback reloads unchanged — dates, rounds and
 * history alike (MikroORM 7.2 saw every `datetime` as changed, so a flush rewrote the row and bumped
 * the version) — and its version counts its transitions.
 */
async function expectRoundTripClean(orm: MikroORM) {
  const em0 = orm.em.fork();
  const manager = { id: 'u1', name: 'U One' };
  const ticket = new Ticket({ type: '投诉', summary: '叉车漏油', request: '液压系统漏油' }, customer('ACME'), manager, at('2026-11-29T02:00:00.123Z'));
  em0.persist(ticket);
  await em0.flush();
  ticket.record({ action: 'created', at: ticket.createdAt, by: manager });
  const transitions = [
    () => ticket.assign({ id: 'u2', name: 'U Two' }, { id: 'u3', name: 'Sup' }, at('2026-11-29T03:00:00Z')),
    () => ticket.handle('更换密封圈', { id: 'u2', name: 'U Two' }, at('2026-11-29T04:00:00Z')),
    () => ticket.giveFeedback({ result: '仍漏', satisfaction: 2 }, manager, null, at('2026-11-29T05:00:00Z')),
  ];
  for (const transition of transitions) {
    const step = transition();
    await em0.flush(); // as the service commits: the ticket's row (its version) first, then what the step leaves
    ticket.record(step);
  }
  await em0.flush();
  expect(ticket.version).toBe(4);

  const em = orm.em.fork();
  const loaded = await em.findOneOrFail(Ticket, ticket.id, { populate: ['rounds', 'history'] });
  expect(loaded).toMatchObject({ status: 'assigned', satisfaction: 2, version: 4, handling: '更换密封圈' });
  expect(loaded.history.getItems().map((step) => [step.seq, step.action, step.round])).toEqual([
    [1, 'created', null],
    [2, 'assigned', null],
    [3, 'handled', 1],
    [4, 'reopened', 1],
  ]);
  expect(loaded.rounds.getItems().map((round) => round.view())).toEqual([
    { round: 1, handling: '更换密封圈', handledBy: { id: 'u2', name: 'U Two' }, handledAt: '2026-11-29T04:00:00.000Z', result: '仍漏', satisfaction: 2, feedbackBy: manager, feedbackAt: '2026-11-29T05:00:00.000Z' },
  ]);
  expect(loaded.createdAt.toISOString()).toBe('2026-11-29T02:00:00.123Z');
  em.getUnitOfWork().computeChangeSets();
  expect(em.getUnitOfWork().getChangeSets()).toHaveLength(0);
}

/** The text_search migration serves the list's "contains" filters from the dialect's text index, alone and with the archive's status. */
async function expectTextFiltersIndexed(orm: MikroORM) {
  const make = (name: string, summary: string) => new Ticket({ type: '咨询', summary, request: 'r' }, customer(name), { id: 'u1', name: 'U One' }, new Date());
  await orm.em.fork().persist([make('杭州某某科技有限公司', '数控机床保养周期'), make('上海贸易有限公司', 'ERP 软件 100% 无法登录'), make('Acme Trading', 'Forklift leaks')]).flush();
  await expectTextIndexServes(orm, Ticket, [{ customerName: '某某科技' }, { customerName: '科技' }, { customerName: '有' }, { summary: '数控' }, { summary: '100%' }, { customerName: 'Acme', summary: 'leak' }]);
  await expectTextIndexServes(orm, Ticket, [{ customerName: '有限' }], [{ status: 'created' }]);
}

describeServiceSchema({
  service: SERVICE_NAME,
  entities: ENTITIES,
  ormInput,
  mssqlDdlFile: join(__dirname, '..', 'src', 'database', 'service-desk.mssql.sql'),
  verify: async (orm) => {
    await expectRoundTripClean(orm);
    await expectTextFiltersIndexed(orm);
  },
});
