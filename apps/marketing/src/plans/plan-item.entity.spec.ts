import { Opportunity } from '../opportunities/opportunity.entity';
import { PlanItem } from './plan-item.entity';

const manager = { id: 'u-m1', name: 'Manager One' };

function newItem() {
  const opportunity = new Opportunity(
    { source: null, customerName: 'ACME', successRate: 50, summary: 'S', contact: null, contactPhone: null, description: 'D' },
    manager,
  );
  return new PlanItem(opportunity, '2026-12-01', 'Visit the plant', manager);
}

describe('PlanItem (§1.2)', () => {
  it('starts with a todo and no execution record, owned by its author', () => {
    const item = newItem();
    expect(item).toMatchObject({ date: '2026-12-01', todo: 'Visit the plant', result: null });
    expect(item.createdBy).toEqual(manager);
    expect(item.updatedAt).toEqual(item.createdAt);
  });

  it('changes only what is given: the todo, the result, or clears the result', () => {
    const item = newItem();
    const later = new Date(item.createdAt.getTime() + 1000);
    item.edit({ result: 'Met the purchasing manager' }, later);
    expect(item).toMatchObject({ todo: 'Visit the plant', result: 'Met the purchasing manager', date: '2026-12-01', updatedAt: later });
    item.edit({ todo: 'Visit the plant again' });
    expect(item).toMatchObject({ todo: 'Visit the plant again', result: 'Met the purchasing manager' });
    item.edit({ result: null });
    expect(item.result).toBeNull();
  });
});
