import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@crm/auth';
import { ApiProblemResponses } from '@crm/service-kit';
import { ListProductsQuery, ProductPageResponse, ProductResponse } from './dto/product.dto';
import { ProductsService } from './products.service';

@ApiTags('Base data: products and inventory')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 429, 503)
@Roles('manager', 'supervisor')
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOperation({ summary: 'Products of the sales system by name, model and batch (contains), by name; 503 while the sales system is down' })
  @ApiOkResponse({ type: ProductPageResponse })
  async list(@Query() query: ListProductsQuery): Promise<ProductPageResponse> {
    const page = await this.products.list(query);
    return { ...page, items: page.items.map((product) => ProductResponse.from(product)) };
  }
}
