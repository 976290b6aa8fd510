import { Injectable } from '@nestjs/common';
import { EntityManager, type FilterQuery, OptimisticLockError } from '@mikro-orm/core';
import { CompanyCalendar } from '@crm/config';
import { DICTIONARY_CATEGORIES, type Role } from '@crm/contracts';
import { type AuthenticatedUser, userRefOf } from '@crm/auth';
import { UserDirectory } from '@crm/identity';
import { EventOutbox } from '@crm/messaging';
import { findPageByText, NEWEST_FIRST } from '@crm/persistence';
import { CustomerDirectory, DictionaryLookup } from '@crm/reference-data';
import { type Page, toPage } from '@crm/service-kit';
import type { CreateTicketDto } from './dto/create-ticket.dto';
import type { ListTicketsQuery } from './dto/list-tickets.query';
import type { HandleTicketDto, TicketFeedbackDto } from './dto/ticket-actions.dto';
import { Ticket } from './ticket.entity';
import type { TicketStep } from './ticket-step';
import { TicketError, TicketErrorCode } from './ticket.errors';
import { recordTicketEvent } from './ticket-events';

/** Who may be assigned a ticket: an enabled user with one of these realm roles. */
const ASSIGNABLE_ROLES: readonly Role[] = ['manager', 'supervisor'];

/**
 * Service tickets (requirements §3). Customers and the 服务类型 items come from the desk's own
 * copies (libs/reference-data), so tickets are taken while the customer service is down; users
 * and roles from the users directory. Every transition is one transaction: the ticket's row with
 * its version + 1 (an optimistic lock), its history row and round, and its event in the outbox.
 */
@Injectable()
export class TicketsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
    private readonly users: UserDirectory,
    private readonly dictionary: DictionaryLookup,
    private readonly customers: CustomerDirectory,
    private readonly calendar: CompanyCalendar,
  ) {}

  /** A manager records a normal customer's request; status created. */
  async create(user: AuthenticatedUser, dto: CreateTicketDto): Promise<Ticket> {
    await this.dictionary.assertValid([{ field: 'type', category: DICTIONARY_CATEGORIES.serviceType, value: dto.type }]);
    const customer = await this.customers.byId(dto.customerId);
    if (!customer) {
      // Also a customer created a moment ago that the copy has not heard of yet: retrying helps.
      throw new TicketError(TicketErrorCode.CustomerNotFound, `No customer ${dto.customerId} is known to the service desk.`, [
        { field: 'customerId', message: 'must be the id of an existing customer' },
      ]);
    }
    if (customer.status !== 'normal') {
      throw new TicketError(TicketErrorCode.CustomerNotNormal, `Customer ${customer.customerNo} is ${customer.status}: no new tickets for it.`);
    }
    const by = userRefOf(user);
    const at = new Date();
    const ticket = new Ticket(dto, { id: customer.id, customerNo: customer.customerNo, name: customer.name }, by, at);
    return this.em.transactional(async (em) => {
      em.persist(ticket);
      await this.commit(em, ticket, { action: 'created', at, by });
      return ticket;
    });
  }

  /** Newest first; the archive (服务归档) is `status=archived`. Every desk role reads every ticket. */
  async list(query: ListTicketsQuery): Promise<Page<Ticket>> {
    const filters: FilterQuery<Ticket>[] = [];
    if (query.status) filters.push({ status: query.status });
    if (query.customerId) filters.push({ customerId: query.customerId });
    if (query.type) filters.push({ type: query.type });
    if (query.assigneeId) filters.push({ assigneeId: query.assigneeId });
    if (query.createdFrom) filters.push({ createdAt: { $gte: this.calendar.startOf(query.createdFrom) } });
    if (query.createdTo) filters.push({ createdAt: { $lt: this.calendar.endOf(query.createdTo) } });
    const contains = { customerName: query.customerName, summary: query.summary };
    const [items, total] =
      contains.customerName || contains.summary
        ? await findPageByText(this.em, Ticket, filters, contains, query.offset, query.pageSize)
        : await this.em.findAndCount(Ticket, { $and: filters }, { orderBy: NEWEST_FIRST, limit: query.pageSize, offset: query.offset });
    return toPage(items, total, query);
  }

  /** One ticket with its rounds and history. */
  get(id: string): Promise<Ticket> {
    return this.load(this.em, id);
  }

  /** 分配 (a supervisor): to an active manager or supervisor; again while assigned (reassignment). */
  async assign(user: AuthenticatedUser, id: string, assigneeId: string): Promise<Ticket> {
    const assignee = await this.users.findUser(assigneeId);
    if (!assignee?.enabled || !assignee.roles.some((role) => ASSIGNABLE_ROLES.includes(role))) {
      throw new TicketError(TicketErrorCode.AssigneeInvalid, 'A ticket is assigned to an active account manager or supervisor.', [
        { field: 'assigneeId', message: 'must be the id of an active account manager or supervisor' },
      ]);
    }
    return this.change(id, (ticket) => ticket.assign({ id: assignee.id, name: assignee.name }, userRefOf(user), new Date()));
  }

  /** 服务处理 (the assignee): a new round. */
  handle(user: AuthenticatedUser, id: string, dto: HandleTicketDto): Promise<Ticket> {
    return this.change(id, (ticket) => ticket.handle(dto.handling, userRefOf(user), new Date()));
  }

  /** 服务反馈: archived at satisfaction ≥ 3, else reopened for the same assignee. */
  feedback(user: AuthenticatedUser, id: string, dto: TicketFeedbackDto): Promise<Ticket> {
    return this.change(id, async (ticket) => {
      // The customer's manager as the desk's copy has it now (a reassigned customer's new manager).
      const customer = await this.customers.byId(ticket.customerId);
      return ticket.giveFeedback({ result: dto.result, satisfaction: dto.satisfaction }, userRefOf(user), customer?.manager.id ?? null, new Date());
    });
  }

  /** Load → the transition's rule and change → commit, in one transaction; a concurrent change that won is a 409. */
  private async change(id: string, transition: (ticket: Ticket) => TicketStep | Promise<TicketStep>): Promise<Ticket> {
    try {
      return await this.em.transactional(async (em) => {
        const ticket = await this.load(em, id);
        await this.commit(em, ticket, await transition(ticket));
        return ticket;
      });
    } catch (error) {
      if (error instanceof OptimisticLockError) {
        throw new TicketError(TicketErrorCode.ConcurrentUpdate, 'The ticket was changed by someone else meanwhile; reload and retry.');
      }
      throw error;
    }
  }

  /**
   * The ticket's own row is written first — `… set version = version + 1 where id = ? and version
   * = ?`, which a concurrent transition that committed first makes match nothing (and on
   * PostgreSQL waits for one still running) — so nothing else of a losing transition is written.
   * Then the history row and round of the version it made, and that version's event.
   */
  private async commit(em: EntityManager, ticket: Ticket, step: TicketStep): Promise<void> {
    await em.flush();
    ticket.record(step);
    recordTicketEvent(this.outbox, em, ticket, step);
  }

  private async load(em: EntityManager, id: string): Promise<Ticket> {
    const ticket = await em.findOne(Ticket, { id }, { populate: ['rounds', 'history'] });
    if (!ticket) throw new TicketError(TicketErrorCode.NotFound, `No ticket ${id}.`);
    return ticket;
  }
}
