import { Inject, Logger, Module, OnModuleInit, Optional } from '@nestjs/common';
import { MESSAGING_OPTIONS, type MessagingOptions } from '@crm/messaging';
import { CustomerChangedConsumer } from './customer-changed.consumer';
import { CustomerDirectory } from './customer-directory';

/**
 * A service's copy of customers: the consumer that keeps it and `CustomerDirectory` over it. The
 * service also passes `consumes: true` to ServicePlatformModule and adds CUSTOMER_COPY_ENTITIES to
 * its orm-input (see libs/reference-data/README.md).
 */
@Module({
  controllers: [CustomerChangedConsumer],
  providers: [CustomerDirectory],
  exports: [CustomerDirectory],
})
export class CustomerCopyModule implements OnModuleInit {
  private readonly logger = new Logger('CustomerCopy');

  constructor(@Optional() @Inject(MESSAGING_OPTIONS) private readonly messaging?: MessagingOptions) {}

  onModuleInit(): void {
    // Not fatal: another process of the service may consume into the same database.
    if (!this.messaging?.consumes) {
      this.logger.warn(
        'CustomerCopyModule is imported but this process consumes no events: its customer copy is kept only by processes of the service that do (consumes: true)',
      );
    }
  }
}
