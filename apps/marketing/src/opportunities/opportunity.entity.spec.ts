import { DomainError } from '@crm/contracts';
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
