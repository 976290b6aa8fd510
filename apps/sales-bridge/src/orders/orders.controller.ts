import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@crm/auth';
import { ApiProblemResponses, PageQueryDto } from '@crm/service-kit';
import { OrderDetailResponse, OrderPageResponse } from './dto/order.dto';
import { OrdersService } from './orders.service';

@ApiTags('Customers: order history')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 429, 503)
@Roles('admin', 'supervisor', 'manager', 'executive')
@Controller('customers/:customerId/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  @ApiOperation({ summary: 'The customer’s shipped and paid orders from the sales system, newest first; 503 while it is down' })
  @ApiOkResponse({ type: OrderPageResponse })
  history(@Param('customerId') customerId: string, @Query() query: PageQueryDto): Promise<OrderPageResponse> {
    return this.orders.history(customerId, query);
  }

  @Get(':orderNo')
  @ApiOperation({ summary: 'One shipped or paid order with its lines (amount = quantity × unit price) and total' })
  @ApiOkResponse({ type: OrderDetailResponse })
  detail(@Param('customerId') customerId: string, @Param('orderNo') orderNo: string): Promise<OrderDetailResponse> {
    return this.orders.detail(customerId, orderNo);
  }
}
