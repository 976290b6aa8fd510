import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedUser, CurrentUser, Roles } from '@crm/auth';
import { ApiProblemResponses, etagOf, PageQueryDto, versionFromIfMatch } from '@crm/service-kit';
import { ContactPageResponse, ContactResponse, CreateContactDto, UpdateContactDto } from './dto/contact.dto';
import { ContactsService } from './contacts.service';

@ApiTags('Customers: contacts')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 409, 412, 429)
@Roles('supervisor', 'manager')
@Controller('customers/:customerId/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get()
  @Roles('admin', 'supervisor', 'manager', 'executive')
  @ApiOperation({ summary: 'A customer’s contacts (all roles)' })
  @ApiOkResponse({ type: ContactPageResponse })
  async list(@Param('customerId') customerId: string, @Query() query: PageQueryDto): Promise<ContactPageResponse> {
    const page = await this.contacts.list(customerId, query);
    return { ...page, items: page.items.map(ContactResponse.from) };
  }

  @Post()
  @ApiOperation({ summary: 'Add a contact (the customer’s manager or a supervisor; normal customers only)' })
  @ApiCreatedResponse({ type: ContactResponse })
  async add(
    @CurrentUser() user: AuthenticatedUser,
    @Param('customerId') customerId: string,
    @Body() dto: CreateContactDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactResponse> {
    const contact = await this.contacts.add(user, customerId, dto);
    reply.header('etag', etagOf(contact.version));
    return ContactResponse.from(contact);
  }

  @Patch(':contactId')
  @ApiHeader({ name: 'If-Match', required: false, description: 'the contact’s ETag; a stale one answers 412' })
  @ApiOperation({ summary: 'Edit a contact; required fields may not become empty' })
  @ApiOkResponse({ type: ContactResponse })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('customerId') customerId: string,
    @Param('contactId') contactId: string,
    @Body() dto: UpdateContactDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactResponse> {
    const contact = await this.contacts.update(user, customerId, contactId, dto, versionFromIfMatch(ifMatch));
    reply.header('etag', etagOf(contact.version));
    return ContactResponse.from(contact);
  }

  @Delete(':contactId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a contact' })
  @ApiNoContentResponse()
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('customerId') customerId: string,
    @Param('contactId') contactId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.contacts.remove(user, customerId, contactId, versionFromIfMatch(ifMatch));
  }
}
