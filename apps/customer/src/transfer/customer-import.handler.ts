import type { EntityManager } from '@mikro-orm/core';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DICTIONARY_CATEGORIES, FieldError, UserRef } from '@crm/contracts';
import type { AcceptedRow, ImportContext, ImportHandler, ParsedRow, RowResult } from '@crm/data-exchange';
import type { DirectoryUser } from '@crm/identity';
import type { DictionaryField, DictionaryLookup } from '@crm/reference-data';
import { flattenValidationErrors } from '@crm/service-kit';
import { Customer, CustomerDetails, DETAIL_FIELDS, missingRequired } from '../customers/customer.entity';
import { CustomerNumbers } from '../customers/customer-numbers';
import { CustomersService } from '../customers/customers.service';
import { CreateCustomerDto } from '../customers/dto/create-customer.dto';
import { UpdateCustomerDto } from '../customers/dto/update-customer.dto';
import { CUSTOMER_COLUMNS, CustomerColumnKey } from './customer-columns';

type Changes = Partial<CustomerDetails>;
export type CustomerImportRow =
  | { action: 'create'; details: Changes & { name: string }; manager: UserRef }
  | { action: 'update'; customerNo: string; changes: Changes; manager?: UserRef };

interface ExistingCustomers {
  byNumber: Map<string, Customer>;
  byName: Map<string, Customer>;
  byLicence: Map<string, Customer>;
}

const INTEGER_COLUMNS = new Set<string>(['satisfaction', 'credit', 'registeredCapital', 'annualTurnover']);
const VALIDATION = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } };

/**
 * Customers from a spreadsheet (issue: import with a per-row report). A row with a customer number
 * updates that customer (blank cells leave its fields alone; every * field must have a value after
 * the update); a row without one creates a customer, unless its name or licence number is already
 * a customer's (or an earlier row's): then it is reported as a probable duplicate, not created.
 * Rows are checked with the same DTOs, dictionary and manager rules as the HTTP API.
 */
export class CustomerImportHandler implements ImportHandler<CustomerImportRow> {
  readonly columns = CUSTOMER_COLUMNS;

  constructor(
    private readonly customers: CustomersService,
    private readonly numbers: CustomerNumbers,
    private readonly dictionary: DictionaryLookup,
    /** Active account managers, read once per import. */
    private readonly managers: DirectoryUser[],
  ) {}

  async validate(rows: ParsedRow<CustomerColumnKey>[], em: EntityManager, context: ImportContext): Promise<RowResult<CustomerImportRow>[]> {
    const checkOptions = await this.dictionary.checkerFor([DICTIONARY_CATEGORIES.region, DICTIONARY_CATEGORIES.customerLevel]);
    const existing = await this.existing(rows, em);
    const results: RowResult<CustomerImportRow>[] = [];
    // In file order: `claim` decides which of two equal rows is the duplicate.
    for (const row of rows) results.push(await this.validateRow(row, checkOptions, existing, context));
    return results;
  }

  private async validateRow(
    row: ParsedRow<CustomerColumnKey>,
    checkOptions: (fields: readonly DictionaryField[]) => FieldError[],
    existing: ExistingCustomers,
    context: ImportContext,
  ): Promise<RowResult<CustomerImportRow>> {
    const customerNo = row.values.customerNo?.toUpperCase() ?? undefined;
    const { errors, changes } = await this.fields(row, customerNo ? UpdateCustomerDto : CreateCustomerDto);
    errors.push(
      ...checkOptions([
        { field: 'region', category: DICTIONARY_CATEGORIES.region, value: changes.region },
        { field: 'level', category: DICTIONARY_CATEGORIES.customerLevel, value: changes.level },
      ]),
    );
    const manager = this.manager(row.values.manager, errors, !customerNo);
    if (customerNo) return this.validateUpdate(row, customerNo, changes, manager, errors, existing.byNumber, context);
    if (errors.length) return { outcome: 'reject', errors, key: row.values.name ?? undefined };
    return this.validateCreate(row, changes as Changes & { name: string }, manager!, existing, context);
  }

  async apply(rows: AcceptedRow<CustomerImportRow>[], em: EntityManager, context: ImportContext): Promise<(string | undefined)[]> {
    const by: UserRef = { id: context.user.id, name: context.user.name };
    const creates = rows.filter((accepted) => accepted.row.action === 'create');
    const numbers = creates.length ? await this.numbers.allocate(em, creates.length) : [];
    const updates = rows.flatMap((accepted) => (accepted.row.action === 'update' ? [accepted.row.customerNo] : []));
    const toUpdate = new Map((updates.length ? await em.find(Customer, { customerNo: { $in: updates } }) : []).map((c) => [c.customerNo, c]));
    let next = 0;
    return rows.map(({ row }) => {
      if (row.action === 'create') {
        const customer = new Customer(numbers[next++], row.details, row.manager, by);
        em.persist(customer);
        this.customers.recordCreated(em, customer);
        return customer.id;
      }
      const customer = toUpdate.get(row.customerNo)!;
      const changed = customer.edit(row.changes);
      if (row.manager && customer.reassign(row.manager)) changed.push('manager');
      if (changed.length) this.customers.recordUpdated(em, customer, changed, by);
      return customer.id;
    });
  }

  private validateUpdate(
    row: ParsedRow<CustomerColumnKey>,
    customerNo: string,
    changes: Changes,
    manager: UserRef | undefined,
    errors: FieldError[],
    byNumber: Map<string, Customer>,
    context: ImportContext,
  ): RowResult<CustomerImportRow> {
    const earlier = context.claim(`no:${customerNo}`, row.rowNumber);
    if (earlier !== undefined) {
      return { outcome: 'duplicate', key: customerNo, errors: [{ field: 'customerNo', message: `the same customer as row ${earlier}` }] };
    }
    const customer = byNumber.get(customerNo);
    if (!customer) errors.push({ field: 'customerNo', message: 'no customer has this number' });
    else if (customer.status !== 'normal') errors.push({ field: 'customerNo', message: `the customer is ${customer.status} and cannot be changed` });
    else errors.push(...missingRequired({ ...customer.details, ...changes }).filter((missing) => !errors.some((e) => e.field === missing.field)));
    if (errors.length) return { outcome: 'reject', errors, key: customerNo };
    return { outcome: 'update', key: customerNo, id: customer!.id, row: { action: 'update', customerNo, changes, manager } };
  }

  private validateCreate(
    row: ParsedRow<CustomerColumnKey>,
    details: Changes & { name: string },
    manager: UserRef,
    existing: ExistingCustomers,
    context: ImportContext,
  ): RowResult<CustomerImportRow> {
    const key = details.name;
    const sameName = existing.byName.get(details.name);
    const sameLicence = details.licenceNo ? existing.byLicence.get(details.licenceNo) : undefined;
    const found = sameName ?? sameLicence;
    if (found) {
      const field = sameName ? 'name' : 'licenceNo';
      return { outcome: 'duplicate', key, id: found.id, errors: [{ field, message: `probably customer ${found.customerNo} (same ${field}); not created` }] };
    }
    const earlierName = context.claim(`name:${details.name}`, row.rowNumber);
    const earlierLicence = details.licenceNo ? context.claim(`licence:${details.licenceNo}`, row.rowNumber) : undefined;
    const earlier = earlierName ?? earlierLicence;
    if (earlier !== undefined) {
      const field = earlierName !== undefined ? 'name' : 'licenceNo';
      return { outcome: 'duplicate', key, errors: [{ field, message: `the same ${field} as row ${earlier}; not created twice` }] };
    }
    return { outcome: 'create', key, row: { action: 'create', details, manager } };
  }

  /** The row's cells as the API's DTO sees them: blank cells are absent, whole numbers are numbers. */
  private async fields(row: ParsedRow<CustomerColumnKey>, dto: typeof CreateCustomerDto | typeof UpdateCustomerDto) {
    const plain: Record<string, unknown> = {};
    for (const field of DETAIL_FIELDS) {
      const value = row.values[field];
      if (value === null || value === undefined) continue;
      plain[field] = INTEGER_COLUMNS.has(field) && /^-?\d{1,12}$/.test(value) ? Number(value) : value;
    }
    const instance = plainToInstance(dto, plain);
    const errors = flattenValidationErrors(await validate(instance as object, VALIDATION)).filter((error) => error.field !== 'managerId');
    const changes: Changes = {};
    for (const field of DETAIL_FIELDS) {
      const value = (instance as Changes)[field];
      if (value !== undefined) (changes as Record<string, unknown>)[field] = value;
    }
    return { errors, changes };
  }

  /** The manager cell: an active account manager's login, id or (unambiguous) name. */
  private manager(cell: string | null | undefined, errors: FieldError[], required: boolean): UserRef | undefined {
    if (!cell) {
      if (required) errors.push({ field: 'manager', message: 'manager is required: the login, id or name of an active account manager' });
      return undefined;
    }
    const matches = this.managers.filter((user) => user.id === cell || user.username === cell || user.name === cell);
    if (matches.length === 1) return { id: matches[0].id, name: matches[0].name };
    errors.push({
      field: 'manager',
      message: matches.length ? 'names more than one account manager; use the login' : 'must be the login, id or name of an active account manager',
    });
    return undefined;
  }

  /** The customers this batch's rows name or resemble, in three indexed lookups. */
  private async existing(rows: ParsedRow<CustomerColumnKey>[], em: EntityManager): Promise<ExistingCustomers> {
    const values = (key: CustomerColumnKey, transform = (v: string) => v) => [
      ...new Set(rows.flatMap((row) => (row.values[key] ? [transform(row.values[key]!)] : []))),
    ];
    const numbers = values('customerNo', (v) => v.toUpperCase());
    const names = values('name');
    const licences = values('licenceNo');
    const live = { status: { $ne: 'deleted' } } as const;
    const [byNumber, byName, byLicence] = await Promise.all([
      numbers.length ? em.find(Customer, { customerNo: { $in: numbers } }) : [],
      names.length ? em.find(Customer, { name: { $in: names }, ...live }) : [],
      licences.length ? em.find(Customer, { licenceNo: { $in: licences }, ...live }) : [],
    ]);
    return {
      byNumber: new Map(byNumber.map((c) => [c.customerNo, c])),
      byName: new Map(byName.map((c) => [c.name, c])),
      byLicence: new Map(byLicence.map((c) => [c.licenceNo!, c])),
    };
  }
}
