import { Module } from '@nestjs/common';
import { InventoryController } from '../inventory/inventory.controller';
import { InventoryService } from '../inventory/inventory.service';
import { ProductsController } from './products.controller';
import { ProductsService } from './products.service';

/** Base data read from the sales system: products and inventory (requirements §5). */
@Module({ controllers: [ProductsController, InventoryController], providers: [ProductsService, InventoryService] })
export class ProductsModule {}
