import { DomainError, Role } from '@crm/contracts';
import { Opportunity } from './opportunity.entity';

const creator = { id: 'u-creator', name: 'Creator' };
const supervisor = { id: 'u-sup', name: 'Supervisor' };
const manager = { id: 'u-m1', name: 'Manager One' };
const other = { id: 'u-m2', name: 'Manager Two' };

function newOpportunity() {
  return new Opportunity(
    { source: null, customerName: 'ACME', successRate: 50, summary: 'S', contact: null, contactPhone: null, description: 'D' },
    creator,
  );
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('Opportunity state machine (§1.1)', () => {
  it('starts unassigned, owned by its creator', () => {
    const opportunity = newOpportunity();
    expect(opportunity.status).toBe('unassigned');
    expect(opportunity.createdBy).toEqual(creator);
    expect(opportunity.assignee).toBeNull();
  });

  it('can be edited only while unassigned', () => {
    const opportunity = newOpportunity();
    opportunity.edit({ successRate: 70 });
    expect(opportunity.successRate).toBe(70);
    opportunity.assign(manager, supervisor);
    expect(codeOf(() => opportunity.edit({ successRate: 10 }))).toBe('OPPORTUNITY.NOT_UNASSIGNED');
    expect(opportunity.successRate).toBe(70);
  });

  it('can be deleted only unassigned and only by its creator', () => {
    const opportunity = newOpportunity();
    expect(codeOf(() => opportunity.assertDeletableBy(supervisor.id))).toBe('OPPORTUNITY.NOT_CREATOR');
    expect(codeOf(() => opportunity.assertDeletableBy(creator.id))).toBeUndefined();
    opportunity.assign(manager, supervisor);
    expect(codeOf(() => opportunity.assertDeletableBy(creator.id))).toBe('OPPORTUNITY.NOT_UNASSIGNED');
  });

  it('records who assigned it and when, and returns the previous assignee on reassignment', () => {
    const opportunity = newOpportunity();
    const at = new Date('2026-11-22T08:00:00Z');
    expect(opportunity.assign(manager, supervisor, at)).toBeNull();
    expect(opportunity).toMatchObject({ status: 'assigned', assignedAt: at, assignedById: supervisor.id });
    expect(opportunity.assign(other, supervisor)).toEqual(manager);
    expect(opportunity.assignee).toEqual(other);
  });

  it('is decided only by its assignee, only while assigned, and is final', () => {
    const opportunity = newOpportunity();
    expect(codeOf(() => opportunity.decide('succeeded', manager.id))).toBe('OPPORTUNITY.NOT_ASSIGNED');
    opportunity.assign(manager, supervisor);
    expect(codeOf(() => opportunity.decide('succeeded', other.id))).toBe('OPPORTUNITY.NOT_ASSIGNEE');
    opportunity.decide('failed', manager.id);
    expect(opportunity.status).toBe('failed');
    expect(codeOf(() => opportunity.decide('succeeded', manager.id))).toBe('OPPORTUNITY.FINISHED');
    expect(codeOf(() => opportunity.assign(other, supervisor))).toBe('OPPORTUNITY.FINISHED');
  });
});

describe('Who may plan on an opportunity, and when (§1.2)', () => {
  const as = (user: { id: string }, ...roles: Role[]) => ({ id: user.id, roles });

  it('is refused while unassigned, to everyone (409)', () => {
    const opportunity = newOpportunity();
    expect(codeOf(() => opportunity.assertPlannableBy(as(supervisor, 'supervisor')))).toBe('PLAN.OPPORTUNITY_NOT_ASSIGNED');
    expect(codeOf(() => opportunity.assertPlannableBy(as(creator, 'manager')))).toBe('PLAN.OPPORTUNITY_NOT_ASSIGNED');
  });

  it('is allowed while assigned to its assignee and to a supervisor, and to no other manager (403)', () => {
    const opportunity = newOpportunity();
    opportunity.assign(manager, supervisor);
    expect(codeOf(() => opportunity.assertPlannableBy(as(manager, 'manager')))).toBeUndefined();
    expect(codeOf(() => opportunity.assertPlannableBy(as(supervisor, 'supervisor')))).toBeUndefined();
    expect(codeOf(() => opportunity.assertPlannableBy(as(creator, 'manager')))).toBe('PLAN.NOT_ASSIGNEE');
    expect(codeOf(() => opportunity.assertPlannableBy(as(other, 'manager', 'executive')))).toBe('PLAN.NOT_ASSIGNEE');
  });

  it('follows a reassignment: the previous assignee loses the plan', () => {
    const opportunity = newOpportunity();
    opportunity.assign(manager, supervisor);
    opportunity.assign(other, supervisor);
    expect(codeOf(() => opportunity.assertPlannableBy(as(manager, 'manager')))).toBe('PLAN.NOT_ASSIGNEE');
    expect(codeOf(() => opportunity.assertPlannableBy(as(other, 'manager')))).toBeUndefined();
  });

  it.each(['succeeded', 'failed'] as const)('makes the plan read only once %s, for the assignee and supervisors alike (409)', (outcome) => {
    const opportunity = newOpportunity();
    opportunity.assign(manager, supervisor);
    opportunity.decide(outcome, manager.id);
    expect(codeOf(() => opportunity.assertPlannableBy(as(manager, 'manager')))).toBe('PLAN.OPPORTUNITY_FINISHED');
    expect(codeOf(() => opportunity.assertPlannableBy(as(supervisor, 'supervisor')))).toBe('PLAN.OPPORTUNITY_FINISHED');
  });

  it('states the same rule as the condition a plan write puts on the opportunity row', () => {
    expect(Opportunity.plannableBy(as(supervisor, 'supervisor'))).toEqual({ status: 'assigned' });
    expect(Opportunity.plannableBy(as(manager, 'manager'))).toEqual({ status: 'assigned', assigneeId: manager.id });
  });
});

describe('Who sees an opportunity', () => {
  it('shows supervisors everything and a manager the pool, their own and what they hold', () => {
    expect(Opportunity.visibleTo({ id: supervisor.id, roles: ['supervisor'] })).toEqual({});
    expect(Opportunity.visibleTo({ id: manager.id, roles: ['manager'] })).toEqual({
      $or: [{ status: 'unassigned' }, { createdById: manager.id }, { assigneeId: manager.id }],
    });
  });
});
