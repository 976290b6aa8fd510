import { Global, Module } from '@nestjs/common';
import { DictionaryLookup } from '@crm/reference-data';
import { DictionaryController } from './dictionary.controller';
import { DictionaryService } from './dictionary.service';
import { DictionaryTableLookup } from './dictionary-table.lookup';

/** The data dictionary this service owns; its lookup validates every select-like field here. */
@Global()
@Module({
  controllers: [DictionaryController],
  providers: [DictionaryService, { provide: DictionaryLookup, useClass: DictionaryTableLookup }],
  exports: [DictionaryLookup],
})
export class DictionaryModule {}
