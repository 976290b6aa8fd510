import { randomUUID } from 'node:crypto';
import { OpportunityCreatedV1, parseEvent } from '../index';

const valid = () => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'crm/marketing',
  type: 'marketing.opportunity.created.v1',
  time: '2026-11-22T08:00:00.000Z',
  datacontenttype: 'application/json',
  subject: 'opp-1',
  data: {
    opportunityId: 'opp-1',
    version: 1,
    source: null,
    customerName: 'ACME',
    successRate: 40,
    summary: 'Fleet renewal',
    contact: null,
    contactPhone: null,
    description: 'They want 40 trucks',
    status: 'unassigned',
    createdBy: { id: 'u1', name: 'Sue Supervisor' },
    createdAt: '2026-11-22T08:00:00.000Z',
  },
});

describe('parseEvent', () => {
  it('accepts a well-formed CloudEvent of the definition', () => {
    const result = parseEvent(OpportunityCreatedV1, valid());
    expect(result.success).toBe(true);
  });

  it('names the envelope fields that are wrong', () => {
    const result = parseEvent(OpportunityCreatedV1, { ...valid(), specversion: '0.3', source: 'marketing' });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues.map((i) => i.path).sort()).toEqual(['source', 'specversion']);
  });

  it('names the data fields that are wrong, prefixed with data.', () => {
    const event = valid();
    event.data.successRate = 140;
    const result = parseEvent(OpportunityCreatedV1, event);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues[0].path).toBe('data.successRate');
  });

  it('rejects an event of another type', () => {
    const result = parseEvent(OpportunityCreatedV1, { ...valid(), type: 'marketing.opportunity.assigned.v1' });
    expect(result).toEqual({ success: false, issues: [{ path: 'type', message: 'expected marketing.opportunity.created.v1' }] });
  });
});
