import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@crm/auth';
import { ApiProblemResponses } from '@crm/service-kit';
import { InventoryPageResponse, ListInventoryQuery } from './dto/inventory.dto';
import { InventoryService } from './inventory.service';

@ApiTags('Base data: products and inventory')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 429, 503)
@Roles('manager', 'supervisor')
@Controller('inventory')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get()
  @ApiOperation({ summary: 'Inventory of the sales system by product and warehouse (contains); 503 while the sales system is down' })
  @ApiOkResponse({ type: InventoryPageResponse })
  list(@Query() query: ListInventoryQuery): Promise<InventoryPageResponse> {
    return this.inventory.list(query);
  }
}
