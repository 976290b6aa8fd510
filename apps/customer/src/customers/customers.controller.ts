import { Body, Controller, Delete, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedUser, CurrentUser, Roles } from '@crm/auth';
import { ApiProblemResponses, etagOf, versionFromIfMatch } from '@crm/service-kit';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { CustomerPageResponse, CustomerResponse } from './dto/customer.response';
import { ListCustomersQuery } from './dto/list-customers.query';
import { UpdateCustomerDto } from './dto/update-customer.dto';
import type { Customer } from './customer.entity';
import { CustomersService } from './customers.service';

const IF_MATCH = ApiHeader({ name: 'If-Match', required: false, description: 'the ETag you read; a stale one answers 412' });


@ApiTags('Customers')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 409, 412, 429)
@Roles('admin', 'supervisor', 'manager', 'executive')
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Get()
  @ApiOperation({ summary: 'List customers (all roles), newest first; deleted ones only with status=deleted' })
  @ApiOkResponse({ type: CustomerPageResponse })
  async list(@Query() query: ListCustomersQuery): Promise<CustomerPageResponse> {
    const page = await this.customers.list(query);
    const lastOrders = await this.customers.lastOrderDates(page.items);
    return { ...page, items: page.items.map((customer) => CustomerResponse.from(customer, lastOrders.get(customer.customerNo) ?? null)) };
  }

  @Post()
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Create a complete customer by hand (a manager for themselves, a supervisor for any manager)' })
  @ApiCreatedResponse({ type: CustomerResponse })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: CreateCustomerDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerResponse> {
    const customer = await this.customers.create(user, dto);
    reply.header('location', `/api/v1/customers/${customer.id}`);
    return this.withEtag(reply, customer);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One customer (all roles), with its ETag' })
  @ApiOkResponse({ type: CustomerResponse })
  async get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<CustomerResponse> {
    return this.withEtag(reply, await this.customers.get(id));
  }

  @Patch(':id')
  @Roles('supervisor', 'manager')
  @IF_MATCH
  @ApiOperation({ summary: 'Edit (its manager or a supervisor; normal customers only); every * field must then have a value' })
  @ApiOkResponse({ type: CustomerResponse })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() dto: UpdateCustomerDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerResponse> {
    return this.withEtag(reply, await this.customers.update(user, id, dto, versionFromIfMatch(ifMatch)));
  }

  @Delete(':id')
  @Roles('supervisor')
  @IF_MATCH
  @ApiOperation({ summary: 'Soft delete (supervisor): status deleted, hidden from lists unless asked for' })
  @ApiOkResponse({ type: CustomerResponse })
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerResponse> {
    return this.withEtag(reply, await this.customers.remove(user, id, versionFromIfMatch(ifMatch)));
  }

  /** One customer with its version as ETag and its latest order date. */
  private async withEtag(reply: FastifyReply, customer: Customer): Promise<CustomerResponse> {
    reply.header('etag', etagOf(customer.version));
    const lastOrders = await this.customers.lastOrderDates([customer]);
    return CustomerResponse.from(customer, lastOrders.get(customer.customerNo) ?? null);
  }
}
