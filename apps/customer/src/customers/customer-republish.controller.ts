import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles, userRefOf } from '@crm/auth';
import { ApiProblemResponses } from '@crm/service-kit';
import { CustomerRepublish } from './customer-republish';

export class CustomerRepublishResponse {
  @ApiProperty({ description: 'customers published again, of every status' }) republished!: number;
}

/** Its own controller, so the static `republish` path stays apart from CustomersController's `:id` routes. */
@ApiTags('Customers')
@ApiBearerAuth()
@ApiProblemResponses(401, 403, 429)
@Roles('admin')
@Controller('customers')
export class CustomerRepublishController {
  constructor(private readonly republishing: CustomerRepublish) {}

  @Post('republish')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish every customer (all statuses) again, for a service whose copy started late (admin)' })
  @ApiOkResponse({ type: CustomerRepublishResponse })
  async republish(@CurrentUser() user: AuthenticatedUser): Promise<CustomerRepublishResponse> {
    return { republished: await this.republishing.execute(userRefOf(user)) };
  }
}
