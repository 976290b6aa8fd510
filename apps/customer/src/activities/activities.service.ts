import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { type AuthenticatedUser, userRefOf } from '@crm/auth';
import { Page, PageQueryDto, toPage } from '@crm/service-kit';
import { CustomersService } from '../customers/customers.service';
import { CustomerErrorCode } from '../customers/customer.errors';
import { findBelonging } from '../customers/belonging-record';
import { Activity } from './activity.entity';
import { CreateActivityDto, UpdateActivityDto } from './dto/activity.dto';

/** A customer's interaction records (§2.3), newest first; the same change rule as contacts. */
@Injectable()
export class ActivitiesService {
  constructor(
    private readonly em: EntityManager,
    private readonly customers: CustomersService,
  ) {}

  async list(customerId: string, query: PageQueryDto): Promise<Page<Activity>> {
    await this.customers.get(customerId);
    const [items, total] = await this.em.findAndCount(
      Activity,
      { customerId },
      { orderBy: { date: 'desc', createdAt: 'desc', id: 'desc' }, limit: query.pageSize, offset: query.offset },
    );
    return toPage(items, total, query);
  }

  add(user: AuthenticatedUser, customerId: string, dto: CreateActivityDto): Promise<Activity> {
    return this.customers.changeBelonging(user, customerId, async (em) => {
      const activity = new Activity(customerId, { ...dto, memo: dto.memo ?? null }, userRefOf(user));
      em.persist(activity);
      return activity;
    });
  }

  update(user: AuthenticatedUser, customerId: string, activityId: string, dto: UpdateActivityDto, expectedVersion?: number): Promise<Activity> {
    return this.customers.changeBelonging(user, customerId, async (em) => {
      const activity = await findBelonging(em, Activity, customerId, activityId, expectedVersion, CustomerErrorCode.ActivityNotFound);
      activity.edit(dto);
      return activity;
    });
  }

  remove(user: AuthenticatedUser, customerId: string, activityId: string, expectedVersion?: number): Promise<void> {
    return this.customers.changeBelonging(user, customerId, async (em) => {
      em.remove(await findBelonging(em, Activity, customerId, activityId, expectedVersion, CustomerErrorCode.ActivityNotFound));
    });
  }
}
