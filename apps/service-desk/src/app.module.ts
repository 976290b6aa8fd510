import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@crm/service-kit';
import { ServiceDeskConfig } from './config/service-desk.config';
import { ormInput, SERVICE_NAME } from './database/orm-input';
import { TicketsModule } from './tickets/tickets.module';

@Module({})
export class AppModule {
  static register(config: ServiceDeskConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Consumes customer and dictionary events for its copies (a ticket's customer and type).
        ServicePlatformModule.forService({ service: SERVICE_NAME, env: config, orm: ormInput(config), consumes: true }),
        TicketsModule.register(config.COMPANY_TIME_ZONE),
      ],
    };
  }
}
