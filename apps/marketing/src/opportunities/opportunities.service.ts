import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery, OptimisticLockError } from '@mikro-orm/core';
import {
  OpportunityAssignedV1,
  OpportunityCreatedV1,
  OpportunityFailedV1,
  OpportunitySucceededV1,
} from '@crm/contracts';
import { type AuthenticatedUser, userRefOf } from '@crm/auth';
import { UserDirectory } from '@crm/identity';
import { EventOutbox } from '@crm/messaging';
import { containsConditions, findPageByText, findPageOfUnion, NEWEST_FIRST, sparseTextMatches } from '@crm/persistence';
import { Page, toPage } from '@crm/service-kit';
import { CreateOpportunityDto } from './dto/create-opportunity.dto';
import { UpdateOpportunityDto } from './dto/update-opportunity.dto';
import { ListOpportunitiesQuery } from './dto/list-opportunities.query';
import { Opportunity } from './opportunity.entity';
import { OpportunityError, OpportunityErrorCode } from './opportunity.errors';

const isSupervisor = (user: AuthenticatedUser) => user.roles.includes('supervisor');
const hasText = (query: ListOpportunitiesQuery) => Boolean(query.customerName || query.summary || query.contact);

/** Sales opportunities (requirements §1.1); who may see which one: `Opportunity.visibleTo`. */
@Injectable()
export class OpportunitiesService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
    private readonly users: UserDirectory,
  ) {}

  async create(user: AuthenticatedUser, dto: CreateOpportunityDto): Promise<Opportunity> {
    const opportunity = new Opportunity(
      { ...dto, source: dto.source ?? null, contact: dto.contact ?? null, contactPhone: dto.contactPhone ?? null },
      userRefOf(user),
    );
    await this.em.transactional(async (em) => {
      em.persist(opportunity);
      this.outbox.record(em, OpportunityCreatedV1, snapshot(opportunity), { subject: opportunity.id });
    });
    return opportunity;
  }

  async list(user: AuthenticatedUser, query: ListOpportunitiesQuery): Promise<Page<Opportunity>> {
    const filters: FilterQuery<Opportunity>[] = [];
    if (query.status) filters.push({ status: query.status });
    if (query.assigneeId) filters.push({ assigneeId: query.assigneeId });
    const contains = { customerName: query.customerName, summary: query.summary, contact: query.contact };
    if (isSupervisor(user)) {
      const [items, total] = hasText(query)
        ? await findPageByText(this.em, Opportunity, filters, contains, query.offset, query.pageSize)
        : await this.em.findAndCount(Opportunity, { $and: filters }, { orderBy: NEWEST_FIRST, limit: query.pageSize, offset: query.offset });
      return toPage(items, total, query);
    }
    // A manager sees the union of three sets (Opportunity.visibleTo); each is read from its own
    // index in list order and counted without counting a row twice. Text filters matching few
    // rows make every one of those queries start from the text index's matches instead.
    filters.push(...containsConditions<Opportunity>(contains));
    const fewMatches = hasText(query) ? await sparseTextMatches(this.em, Opportunity, contains) : undefined;
    if (fewMatches) filters.push(fewMatches);
    const [pool, created, assigned] = Opportunity.visibleBranches(user);
    const branches = [pool, created, assigned].map((branch) => ({ $and: [...filters, branch] }));
    const notPool = { status: { $ne: 'unassigned' } } as const;
    const [items, inPool, createdOutsidePool, assignedOnly] = await Promise.all([
      findPageOfUnion(this.em, Opportunity, branches, query.offset, query.pageSize),
      this.em.count(Opportunity, branches[0]),
      this.em.count(Opportunity, { $and: [...filters, created, notPool] }),
      this.em.count(Opportunity, { $and: [...filters, assigned, notPool, { createdById: { $ne: user.id } }] }),
    ]);
    return toPage(items, inPool + createdOutsidePool + assignedOnly, query);
  }

  async get(user: AuthenticatedUser, id: string): Promise<Opportunity> {
    const opportunity = await this.em.findOne(Opportunity, { $and: [{ id }, Opportunity.visibleTo(user)] });
    if (!opportunity) throw new OpportunityError(OpportunityErrorCode.NotFound, `No opportunity ${id}.`);
    return opportunity;
  }

  async update(user: AuthenticatedUser, id: string, dto: UpdateOpportunityDto): Promise<Opportunity> {
    return this.change(user, id, async (opportunity) => {
      if (!isSupervisor(user) && opportunity.createdById !== user.id) {
        throw new OpportunityError(OpportunityErrorCode.NotOwner, 'Only its creator or a supervisor may edit an opportunity.');
      }
      opportunity.edit(dto);
    });
  }

  async remove(user: AuthenticatedUser, id: string): Promise<void> {
    await this.change(user, id, async (opportunity, em) => {
      opportunity.assertDeletableBy(user.id);
      // MikroORM deletes by key alone; the version and status in the condition make an
      // assignment committed meanwhile win instead of being deleted under the assignee.
      const deleted = await em.nativeDelete(Opportunity, { id, version: opportunity.version, status: 'unassigned' });
      if (deleted === 0) {
        throw new OpportunityError(OpportunityErrorCode.ConcurrentUpdate, 'The opportunity was changed by someone else; reload and retry.');
      }
    });
  }

  async assign(user: AuthenticatedUser, id: string, assigneeId: string): Promise<Opportunity> {
    const assignee = await this.users.findUser(assigneeId);
    if (!assignee || !assignee.enabled || !assignee.roles.includes('manager')) {
      throw new OpportunityError(OpportunityErrorCode.AssigneeInvalid, 'The assignee must be an active account manager.', [
        { field: 'assigneeId', message: 'must be the id of an active account manager' },
      ]);
    }
    return this.change(user, id, async (opportunity, em) => {
      const assigneeRef = { id: assignee.id, name: assignee.name };
      const previous = opportunity.assign(assigneeRef, userRefOf(user));
      this.outbox.record(
        em,
        OpportunityAssignedV1,
        {
          ...snapshot(opportunity),
          assignee: assigneeRef,
          assignedAt: opportunity.assignedAt!.toISOString(),
          assignedBy: userRefOf(user),
          previousAssignee: previous,
        },
        { subject: opportunity.id },
      );
    });
  }

  async decide(user: AuthenticatedUser, id: string, outcome: 'succeeded' | 'failed'): Promise<Opportunity> {
    return this.change(user, id, async (opportunity, em) => {
      opportunity.decide(outcome, user.id);
      const data = { ...snapshot(opportunity), assignee: opportunity.assignee!, decidedAt: opportunity.decidedAt!.toISOString() };
      if (outcome === 'succeeded') this.outbox.record(em, OpportunitySucceededV1, data, { subject: opportunity.id });
      else this.outbox.record(em, OpportunityFailedV1, data, { subject: opportunity.id });
    });
  }

  /** Load (respecting visibility) → apply → commit with its events, in one transaction. */
  private async change(
    user: AuthenticatedUser,
    id: string,
    apply: (opportunity: Opportunity, em: EntityManager) => Promise<void>,
  ): Promise<Opportunity> {
    try {
      return await this.em.transactional(async (em) => {
        const opportunity = await em.findOne(Opportunity, { $and: [{ id }, Opportunity.visibleTo(user)] });
        if (!opportunity) throw new OpportunityError(OpportunityErrorCode.NotFound, `No opportunity ${id}.`);
        await apply(opportunity, em);
        return opportunity;
      });
    } catch (error) {
      if (error instanceof OptimisticLockError) {
        throw new OpportunityError(OpportunityErrorCode.ConcurrentUpdate, 'The opportunity was changed by someone else; reload and retry.');
      }
      throw error;
    }
  }
}

/**
 * The opportunity as its event carries it. Events are recorded before the flush that commits the
 * change, so `version` is the one this commit produces: 1 for a new row, else one more than the
 * loaded version (every change that records an event also changes the row).
 */
function snapshot(opportunity: Opportunity) {
  return {
    opportunityId: opportunity.id,
    version: opportunity.version === undefined ? 1 : opportunity.version + 1,
    ...opportunity.details,
    status: opportunity.status,
    createdBy: opportunity.createdBy,
    createdAt: opportunity.createdAt.toISOString(),
  };
}
