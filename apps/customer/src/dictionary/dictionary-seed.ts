import { Migration } from '@mikro-orm/migrations';
import { DICTIONARY_CATEGORIES } from '@crm/contracts';
import { EventOutbox } from '@crm/messaging';
import { DictionaryItem, DictionaryItemDetails } from './dictionary-item.entity';
import { recordDictionaryChange } from './dictionary-events';

const items = (category: string, names: string[], editable: boolean): DictionaryItemDetails[] =>
  names.map((item, index) => ({ category, item, value: String(index + 1), editable }));

/**
 * The items requirements §5 names: customer levels, service types (read only: reports and the
 * service desk count by them) and regions.
 */
export const DICTIONARY_SEED: readonly DictionaryItemDetails[] = [
  ...items(DICTIONARY_CATEGORIES.customerLevel, ['普通客户', '重点开发客户', '大客户', '合作伙伴', '战略合作伙伴'], true),
  ...items(DICTIONARY_CATEGORIES.serviceType, ['咨询', '建议', '投诉'], false),
  ...items(
    DICTIONARY_CATEGORIES.region,
    ['北京', '天津', '上海', '重庆', '华北', '东北', '华东', '华中', '华南', '西南', '西北', '港澳台', '海外'],
    true,
  ),
];

/**
 * Seeds the dictionary as a data migration, so it runs once per database, in the migrate step,
 * with the schema it needs: items already there (same category and text) are left alone, and
 * each item it adds is published through the outbox like any other change, so the services that
 * keep a copy learn it.
 */
export abstract class SeedDictionaryMigration extends Migration {
  override async up(): Promise<void> {
    const em = this.getEntityManager();
    const outbox = new EventOutbox({ service: 'customer' } as ConstructorParameters<typeof EventOutbox>[0]);
    const existing = await em.find(DictionaryItem, {});
    const known = new Set(existing.map((item) => `${item.category}\u0000${item.item}`));
    for (const details of DICTIONARY_SEED) {
      if (known.has(`${details.category}\u0000${details.item}`)) continue;
      const item = new DictionaryItem(details);
      em.persist(item);
      recordDictionaryChange(outbox, em, item, 'created');
    }
    await em.flush();
  }

  override async down(): Promise<void> {
    // Seeded items may be in use by then; they stay.
  }
}
