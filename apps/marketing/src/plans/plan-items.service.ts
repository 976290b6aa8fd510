import { Injectable } from '@nestjs/common';
import { EntityManager, raw } from '@mikro-orm/core';
import { type AuthenticatedUser, userRefOf } from '@crm/auth';
import { Page, PageQueryDto, toPage } from '@crm/service-kit';
import { Opportunity } from '../opportunities/opportunity.entity';
import { OpportunityError, OpportunityErrorCode } from '../opportunities/opportunity.errors';
import { CreatePlanItemDto } from './dto/create-plan-item.dto';
import { UpdatePlanItemDto } from './dto/update-plan-item.dto';
import { PlanItem } from './plan-item.entity';
import { PlanError, PlanErrorCode } from './plan.errors';

/**
 * Development plans (客户开发计划, requirements §1.2): whoever may see an opportunity may read its
 * plan; who may change it, and while which state, is `Opportunity.assertPlannableBy`.
 */
@Injectable()
export class PlanItemsService {
  constructor(private readonly em: EntityManager) {}

  async list(user: AuthenticatedUser, opportunityId: string, query: PageQueryDto): Promise<Page<PlanItem>> {
    await this.findVisible(this.em, user, opportunityId);
    const [items, total] = await this.em.findAndCount(
      PlanItem,
      { opportunity: opportunityId },
      { orderBy: { date: 'asc', createdAt: 'asc', id: 'asc' }, limit: query.pageSize, offset: query.offset },
    );
    return toPage(items, total, query);
  }

  async add(user: AuthenticatedUser, opportunityId: string, dto: CreatePlanItemDto): Promise<PlanItem> {
    return this.change(user, opportunityId, (opportunity, em) => {
      const item = new PlanItem(opportunity, dto.date, dto.todo, userRefOf(user));
      em.persist(item);
      return item;
    });
  }

  async update(user: AuthenticatedUser, opportunityId: string, itemId: string, dto: UpdatePlanItemDto): Promise<PlanItem> {
    return this.change(user, opportunityId, async (_, em) => {
      const item = await this.findItem(em, opportunityId, itemId);
      item.edit(dto);
      return item;
    });
  }

  async remove(user: AuthenticatedUser, opportunityId: string, itemId: string): Promise<void> {
    await this.change(user, opportunityId, async (_, em) => {
      em.remove(await this.findItem(em, opportunityId, itemId));
    });
  }

  /** Check → claim the opportunity → apply, committed together. */
  private async change<T>(
    user: AuthenticatedUser,
    opportunityId: string,
    apply: (opportunity: Opportunity, em: EntityManager) => T | Promise<T>,
  ): Promise<T> {
    return this.em.transactional(async (em) => {
      const opportunity = await this.findVisible(em, user, opportunityId);
      opportunity.assertPlannableBy(user);
      // Bump the version only where the rule still holds, row-locking it: a decision committed since the read matches nothing, a later one fails its optimistic lock.
      const claimed = await em.nativeUpdate(
        Opportunity,
        { $and: [{ id: opportunityId }, Opportunity.plannableBy(user)] },
        { version: raw('version + 1') },
      );
      if (claimed === 0) {
        const current = await em.refresh(opportunity);
        current?.assertPlannableBy(user); // says what changed: decided, reassigned …
        throw new OpportunityError(OpportunityErrorCode.ConcurrentUpdate, 'The opportunity was changed by someone else; reload and retry.');
      }
      return apply(opportunity, em);
    });
  }

  private async findVisible(em: EntityManager, user: AuthenticatedUser, id: string): Promise<Opportunity> {
    const opportunity = await em.findOne(Opportunity, { $and: [{ id }, Opportunity.visibleTo(user)] });
    if (!opportunity) throw new OpportunityError(OpportunityErrorCode.NotFound, `No opportunity ${id}.`);
    return opportunity;
  }

  private async findItem(em: EntityManager, opportunityId: string, itemId: string): Promise<PlanItem> {
    const item = await em.findOne(PlanItem, { id: itemId, opportunity: opportunityId });
    if (!item) throw new PlanError(PlanErrorCode.ItemNotFound, `No plan item ${itemId} on opportunity ${opportunityId}.`);
    return item;
  }
}
