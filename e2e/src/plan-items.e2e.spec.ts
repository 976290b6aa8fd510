import { testAmqpUrl, uniqueName } from '@crm/testing';
import { ApiClient, Login, RunningSystem, startCrm } from './support/crm-system';

interface PlanItem {
  id: string;
  opportunityId: string;
  date: string;
  todo: string;
  result: string | null;
  createdBy: { id: string; name: string };
  createdAt: string;
  updatedAt: string;
}

/**
 * Development plans (客户开发计划, requirements §1.2) through the whole HTTP path: gateway →
 * marketing, with real tokens from the development identity provider and real RabbitMQ.
 */
describe('development plans end to end', () => {
  let system: RunningSystem;
  let api: ApiClient;
  const ids: Record<string, string> = {};

  const opportunity = {
    customerName: '华东机械有限公司',
    successRate: 60,
    summary: 'Forklift fleet renewal',
    description: 'Wants 12 electric forklifts before Q2.',
  };
  const plan = (opportunityId: string, itemId?: string) => `/opportunities/${opportunityId}/plan-items${itemId ? `/${itemId}` : ''}`;
  const fieldsOf = (body: { errors?: { field: string }[] }) => new Set((body.errors ?? []).map((e) => e.field));

  /** A new opportunity created by `creator`, assigned to `assignee` unless null. */
  async function newOpportunity(creator: Login, assignee: Login | null): Promise<string> {
    const created = await api.call(creator, 'POST', '/opportunities', opportunity);
    expect(created.status).toBe(201);
    if (assignee) {
      const assigned = await api.call('supervisor', 'POST', `/opportunities/${created.body.id}/assign`, { assigneeId: ids[assignee] });
      expect(assigned.status).toBe(200);
    }
    return created.body.id;
  }

  async function addItem(login: Login, opportunityId: string, date: string, todo: string): Promise<PlanItem> {
    const response = await api.call(login, 'POST', plan(opportunityId), { date, todo });
    expect(response.status).toBe(201);
    return response.body;
  }

  beforeAll(async () => {
    system = await startCrm({ amqpUrl: testAmqpUrl(), exchange: uniqueName('crm.events.e2e'), env: { RATE_LIMIT_MAX: '10000' } });
    api = new ApiClient(system);
    for (const login of ['supervisor', 'manager1', 'manager2', 'executive'] as const) {
      ids[login] = (await api.call(login, 'GET', '/me')).body.id;
    }
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  });

  describe('the assignee', () => {
    it('adds items, lists them by date then creation, edits the todo, records and clears the result, deletes', async () => {
      const id = await newOpportunity('supervisor', 'manager1');
      const second = await addItem('manager1', id, '2026-12-05', 'Send the quotation');
      const first = await api.call('manager1', 'POST', plan(id), { date: '2026-12-01', todo: '  Visit the plant  ' });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.any(String),
        opportunityId: id,
        date: '2026-12-01',
        todo: 'Visit the plant',
        result: null,
        createdBy: { id: ids.manager1, name: expect.any(String) },
        createdAt: expect.any(String),
        updatedAt: first.body.createdAt,
      });
      expect(Date.parse(first.body.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      const third = await addItem('manager1', id, '2026-12-05', 'Call about the quotation');

      const listed = await api.call('manager1', 'GET', plan(id));
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ total: 3, page: 1, pageSize: 20 });
      expect(listed.body.items.map((item: PlanItem) => item.id)).toEqual([first.body.id, second.id, third.id]);

      const edited = await api.call('manager1', 'PATCH', plan(id, second.id), { todo: 'Send the revised quotation' });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ id: second.id, date: '2026-12-05', todo: 'Send the revised quotation', result: null });
      expect(Date.parse(edited.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(second.createdAt));

      const executed = await api.call('manager1', 'PATCH', plan(id, second.id), { result: ' Quotation accepted in principle ' });
      expect(executed.status).toBe(200);
      expect(executed.body).toMatchObject({ todo: 'Send the revised quotation', result: 'Quotation accepted in principle' });
      for (const cleared of ['', null]) {
        await api.call('manager1', 'PATCH', plan(id, second.id), { result: 'something' });
        const response = await api.call('manager1', 'PATCH', plan(id, second.id), { result: cleared });
        expect(response.status).toBe(200);
        expect(response.body.result).toBeNull();
      }

      const deleted = await api.call('manager1', 'DELETE', plan(id, third.id));
      expect(deleted.status).toBe(204);
      const after = await api.call('manager1', 'GET', plan(id));
      expect(after.body.items.map((item: PlanItem) => item.id)).toEqual([first.body.id, second.id]);
      const again = await api.call('manager1', 'DELETE', plan(id, third.id));
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('PLAN.ITEM_NOT_FOUND');
    });

    it('pages a long plan', async () => {
      const id = await newOpportunity('manager1', 'manager1');
      for (const day of ['03', '01', '02']) await addItem('manager1', id, `2026-11-${day}`, `Day ${day}`);
      const page2 = await api.call('manager1', 'GET', `${plan(id)}?pageSize=2&page=2`);
      expect(page2.body).toMatchObject({ total: 3, page: 2, pageSize: 2, items: [{ date: '2026-11-03' }] });
      expect((await api.call('manager1', 'GET', `${plan(id)}?pageSize=101`)).status).toBe(400);
    });
  });

  describe('who may plan', () => {
    it('lets a supervisor add, edit and delete on any assigned opportunity', async () => {
      const id = await newOpportunity('manager2', 'manager1');
      const item = await addItem('supervisor', id, '2026-12-01', 'Joint visit with the supervisor');
      expect(item.createdBy.id).toBe(ids.supervisor);
      expect((await api.call('supervisor', 'PATCH', plan(id, item.id), { result: 'Done' })).body.result).toBe('Done');
      expect((await api.call('manager1', 'GET', plan(id))).body.items).toHaveLength(1);
      expect((await api.call('supervisor', 'DELETE', plan(id, item.id))).status).toBe(204);
    });

    it('answers 403 to a manager who sees the opportunity but is not its assignee, and lets them read the plan', async () => {
      const id = await newOpportunity('manager2', 'manager1'); // manager2 created it: visible to them
      const item = await addItem('manager1', id, '2026-12-01', 'Visit');
      const read = await api.call('manager2', 'GET', plan(id));
      expect(read.status).toBe(200);
      expect(read.body.items.map((i: PlanItem) => i.id)).toEqual([item.id]);
      const attempts = [
        await api.call('manager2', 'POST', plan(id), { date: '2026-12-02', todo: 'Mine now' }),
        await api.call('manager2', 'PATCH', plan(id, item.id), { result: 'Mine now' }),
        await api.call('manager2', 'DELETE', plan(id, item.id)),
      ];
      for (const response of attempts) {
        expect(response.status).toBe(403);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body.code).toBe('PLAN.NOT_ASSIGNEE');
      }
      expect((await api.call('manager1', 'GET', plan(id))).body.items).toEqual([item]);
    });

    it('answers 404 to a manager who may not see the opportunity', async () => {
      const id = await newOpportunity('supervisor', 'manager1');
      const item = await addItem('manager1', id, '2026-12-01', 'Visit');
      const attempts = [
        await api.call('manager2', 'GET', plan(id)),
        await api.call('manager2', 'POST', plan(id), { date: '2026-12-02', todo: 'Peek' }),
        await api.call('manager2', 'PATCH', plan(id, item.id), { result: 'Peek' }),
        await api.call('manager2', 'DELETE', plan(id, item.id)),
      ];
      for (const response of attempts) {
        expect(response.status).toBe(404);
        expect(response.body.code).toBe('OPPORTUNITY.NOT_FOUND');
      }
    });

    it('answers 403 to an executive at the gateway, and 401 without a token', async () => {
      const id = await newOpportunity('supervisor', 'manager1');
      for (const [method, body] of [['GET'], ['POST', { date: '2026-12-01', todo: 'x' }]] as const) {
        const response = await api.call('executive', method, plan(id), body);
        expect(response.status).toBe(403);
        expect(response.body.code).toBe('AUTH.FORBIDDEN');
      }
      expect((await api.call(null, 'GET', plan(id))).status).toBe(401);
    });

    it('follows a reassignment: the previous assignee may no longer plan', async () => {
      const id = await newOpportunity('supervisor', 'manager1');
      await api.call('supervisor', 'POST', `/opportunities/${id}/assign`, { assigneeId: ids.manager2 });
      expect((await api.call('manager1', 'POST', plan(id), { date: '2026-12-01', todo: 'x' })).status).toBe(404);
      expect((await api.call('manager2', 'POST', plan(id), { date: '2026-12-01', todo: 'x' })).status).toBe(201);
    });
  });

  describe('which state', () => {
    it('refuses to plan an unassigned opportunity (409), for its creator and a supervisor', async () => {
      const id = await newOpportunity('manager1', null);
      for (const login of ['manager1', 'supervisor'] as const) {
        const response = await api.call(login, 'POST', plan(id), { date: '2026-12-01', todo: 'Too early' });
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('PLAN.OPPORTUNITY_NOT_ASSIGNED');
      }
      expect((await api.call('manager2', 'GET', plan(id))).body).toMatchObject({ total: 0, items: [] });
    });

    it.each(['succeed', 'fail'])('keeps the plan readable but read only after the assignee calls %s (409)', async (decision) => {
      const id = await newOpportunity('supervisor', 'manager1');
      const item = await addItem('manager1', id, '2026-12-01', 'Visit');
      await api.call('manager1', 'PATCH', plan(id, item.id), { result: 'Signed' });
      expect((await api.call('manager1', 'POST', `/opportunities/${id}/${decision}`)).status).toBe(200);

      for (const login of ['manager1', 'supervisor'] as const) {
        const attempts = [
          await api.call(login, 'POST', plan(id), { date: '2026-12-02', todo: 'Afterwards' }),
          await api.call(login, 'PATCH', plan(id, item.id), { result: 'Rewritten' }),
          await api.call(login, 'DELETE', plan(id, item.id)),
        ];
        for (const response of attempts) {
          expect(response.status).toBe(409);
          expect(response.body.code).toBe('PLAN.OPPORTUNITY_FINISHED');
        }
      }
      for (const login of ['manager1', 'supervisor'] as const) {
        const read = await api.call(login, 'GET', plan(id));
        expect(read.status).toBe(200);
        expect(read.body.items).toEqual([expect.objectContaining({ id: item.id, todo: 'Visit', result: 'Signed' })]);
      }
    });

    it('never lets a plan change slip in around the decision: each request is applied before it or refused', async () => {
      const id = await newOpportunity('supervisor', 'manager1');
      const adds = Array.from({ length: 8 }, (_, i) => api.call('manager1', 'POST', plan(id), { date: '2026-12-01', todo: `Race ${i}` }));
      const decision = api.call('manager1', 'POST', `/opportunities/${id}/fail`);
      const responses = await Promise.all([...adds, decision]);
      const created = responses.slice(0, -1).filter((r) => r.status === 201);
      for (const response of responses.slice(0, -1)) expect([201, 409]).toContain(response.status);
      // The decision may lose to a plan change that claimed the opportunity first; then it is retried.
      if ((await decision).status !== 200) {
        expect((await decision).body.code).toBe('OPPORTUNITY.CONCURRENT_UPDATE');
        expect((await api.call('manager1', 'POST', `/opportunities/${id}/fail`)).status).toBe(200);
      }
      const listed = await api.call('manager1', 'GET', plan(id));
      expect(listed.body.items.map((i: PlanItem) => i.id).sort()).toEqual(created.map((r) => r.body.id).sort());
      expect((await api.call('manager1', 'POST', plan(id), { date: '2026-12-02', todo: 'Late' })).status).toBe(409);
    });
  });

  describe('items', () => {
    it('answers 404 for an unknown item and for an item of another opportunity', async () => {
      const a = await newOpportunity('supervisor', 'manager1');
      const b = await newOpportunity('supervisor', 'manager1');
      const ofB = await addItem('manager1', b, '2026-12-01', 'Belongs to B');
      for (const itemId of [ofB.id, 'does-not-exist', 'x'.repeat(90)]) {
        for (const method of ['PATCH', 'DELETE']) {
          const response = await api.call('manager1', method, plan(a, itemId), method === 'PATCH' ? { result: 'x' } : undefined);
          expect(response.status).toBe(404);
          expect(response.body.code).toBe('PLAN.ITEM_NOT_FOUND');
        }
      }
      expect((await api.call('manager1', 'GET', plan(b))).body.items).toEqual([ofB]);
      expect((await api.call('manager1', 'GET', plan('does-not-exist'))).status).toBe(404);
    });
  });

  describe('validation', () => {
    let id: string;
    let item: PlanItem;
    beforeAll(async () => {
      id = await newOpportunity('supervisor', 'manager1');
      item = await addItem('manager1', id, '2026-12-01', 'Visit');
    });

    it('refuses a date in PATCH (400 naming date) and changes nothing', async () => {
      const response = await api.call('manager1', 'PATCH', plan(id, item.id), { date: '2026-12-02', todo: 'Moved' });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION.FAILED');
      expect(fieldsOf(response.body)).toEqual(new Set(['date']));
      expect((await api.call('manager1', 'GET', plan(id))).body.items[0]).toMatchObject({ date: '2026-12-01', todo: 'Visit' });
    });

    it.each([['2026-02-30'], ['2027-02-29'], ['2026-13-01'], ['2026-12-1'], ['2026/12/01'], ['2026-12-01T10:00:00Z'], ['tomorrow'], [''], [20261201], [null]])(
      'refuses the date %p (400 naming date)',
      async (date) => {
        const response = await api.call('manager1', 'POST', plan(id), { date, todo: 'x' });
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([{ field: 'date', message: 'date must be a calendar date YYYY-MM-DD' }]);
      },
    );

    it('accepts a leap day and a 500-character todo; refuses 501 characters, a blank or missing todo and a missing date, field by field', async () => {
      const longest = await api.call('manager1', 'POST', plan(id), { date: '2028-02-29', todo: '计'.repeat(500) });
      expect(longest.status).toBe(201);
      expect(longest.body.todo).toHaveLength(500);
      const tooLong = await api.call('manager1', 'POST', plan(id), { date: '2026-02-30', todo: 'x'.repeat(501) });
      expect(tooLong.status).toBe(400);
      expect(fieldsOf(tooLong.body)).toEqual(new Set(['date', 'todo']));
      expect(tooLong.body.errors.find((e: { field: string }) => e.field === 'todo').message).toMatch(/500/);
      const blank = await api.call('manager1', 'POST', plan(id), { date: '2026-12-01', todo: '   ' });
      expect(fieldsOf(blank.body)).toEqual(new Set(['todo']));
      const empty = await api.call('manager1', 'POST', plan(id), {});
      expect(empty.status).toBe(400);
      expect(fieldsOf(empty.body)).toEqual(new Set(['date', 'todo']));
    });

    it('refuses to empty the todo and a result over 500 characters in PATCH', async () => {
      for (const body of [{ todo: '' }, { todo: '  ' }, { todo: null }]) {
        const response = await api.call('manager1', 'PATCH', plan(id, item.id), body);
        expect(response.status).toBe(400);
        expect(fieldsOf(response.body)).toEqual(new Set(['todo']));
      }
      const result = await api.call('manager1', 'PATCH', plan(id, item.id), { result: 'r'.repeat(501) });
      expect(result.status).toBe(400);
      expect(fieldsOf(result.body)).toEqual(new Set(['result']));
      expect((await api.call('manager1', 'PATCH', plan(id, item.id), { result: 'r'.repeat(500) })).status).toBe(200);
    });

    it('answers hostile input with 400 problem+json, never a 5xx', async () => {
      const cases: [string, string, unknown, string[] | null][] = [
        ['POST', plan(id), { date: '2026-12-01', todo: 'Visit\u0000; drop table plan_item' }, ['todo']],
        ['PATCH', plan(id, item.id), { result: 'bell\u0007' }, ['result']],
        ['POST', plan(id), { date: '2026-12-01', todo: 'x', status: 'succeeded' }, ['status']],
        ['PATCH', plan(id, item.id), { opportunityId: 'other', createdBy: { id: 'x' } }, ['opportunityId', 'createdBy']],
        ['POST', plan(id), { date: '2026-12-01', todo: { $ne: null } }, ['todo']],
        ['POST', plan(id), { date: ['2026-12-01'], todo: 'x' }, ['date']],
        ['POST', plan(id), '{"date": "2026-12-01", "todo": ', null],
        ['POST', plan(id), '[{"date": "2026-12-01", "todo": "x"}]', null],
        ['POST', plan(id), 'null', null],
        ['POST', plan(id), '['.repeat(5000) + ']'.repeat(5000), null],
        ['PATCH', plan(id, 'item%00'), { result: 'x' }, null],
      ];
      for (const [method, path, body, fields] of cases) {
        const response = await api.call('manager1', method, path, body);
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 400 });
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        if (fields) expect(fieldsOf(response.body)).toEqual(new Set(fields));
      }
      const nul = await api.call('manager1', 'POST', plan(id), { date: '2026-12-01', todo: 'a\u0000b' });
      expect(nul.body.errors).toEqual([{ field: 'todo', message: 'must not contain control characters' }]);
      expect((await api.call('manager1', 'GET', plan(id))).body.items.map((i: PlanItem) => i.todo)).not.toContain('x');
    });
  });

  it('documents the plan endpoints in the merged OpenAPI document', async () => {
    const document = (await (await fetch(`${system.urls.gateway}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { required?: string[]; properties: Record<string, { nullable?: boolean; type?: string }> }> };
    };
    const list = document.paths['/api/v1/opportunities/{id}/plan-items'];
    const one = document.paths['/api/v1/opportunities/{id}/plan-items/{itemId}'];
    expect(Object.keys(list)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(one)).toEqual(expect.arrayContaining(['patch', 'delete']));
    expect(Object.keys(list.post.responses)).toEqual(expect.arrayContaining(['201', '400', '403', '404', '409']));
    expect(Object.keys(one.delete.responses)).toContain('204');
    const { schemas } = document.components;
    expect(schemas.PlanItemResponse.properties.result).toMatchObject({ type: 'string', nullable: true });
    expect(schemas.CreatePlanItemDto.required).toEqual(expect.arrayContaining(['date', 'todo']));
    expect(schemas.UpdatePlanItemDto.required ?? []).toEqual([]); // PATCH: every field may be left out
    expect(Object.keys(schemas.UpdatePlanItemDto.properties).sort()).toEqual(['result', 'todo']);
  });
});
