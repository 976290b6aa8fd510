import { Inject, Logger, Module, OnModuleInit, Optional } from '@nestjs/common';
import { MESSAGING_OPTIONS, type MessagingOptions } from '@crm/messaging';
import { DictionaryChangedConsumer } from './dictionary-changed.consumer';
import { DictionaryCopyLookup } from './dictionary-copy.lookup';
import { DictionaryLookup } from './dictionary-lookup';

/**
 * A service's cached copy of the data dictionary: the consumer that keeps it and
 * `DictionaryLookup` over it. The service also passes `consumes: true` to ServicePlatformModule
 * and adds DICTIONARY_COPY_ENTITIES to its orm-input (see libs/reference-data/README.md).
 */
@Module({
  controllers: [DictionaryChangedConsumer],
  providers: [DictionaryCopyLookup, { provide: DictionaryLookup, useExisting: DictionaryCopyLookup }],
  exports: [DictionaryLookup],
})
export class DictionaryCopyModule implements OnModuleInit {
  private readonly logger = new Logger('DictionaryCopy');

  constructor(@Optional() @Inject(MESSAGING_OPTIONS) private readonly messaging?: MessagingOptions) {}

  onModuleInit(): void {
    // Not fatal: another process of the service may consume into the same database.
    if (!this.messaging?.consumes) {
      this.logger.warn(
        'DictionaryCopyModule is imported but this process consumes no events: its dictionary copy is kept only by processes of the service that do (consumes: true)',
      );
    }
  }
}
