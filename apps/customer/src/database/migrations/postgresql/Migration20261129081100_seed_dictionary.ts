import { SeedDictionaryMigration } from '../../../dictionary/dictionary-seed';

// The same data migration on every dialect (written with the ORM, not SQL).
export class Migration20261129081100_seed_dictionary extends SeedDictionaryMigration {
  override name = 'Migration20261129081100_seed_dictionary';
}
