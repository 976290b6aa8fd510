import { z } from 'zod';

export const userRefSchema = z.object({ id: z.string().min(1), name: z.string() });
export const instantSchema = z.iso.datetime({ offset: true });

/**
 * Every event's data carries its aggregate's id and version (contract, "Event flows"). Delivery
 * order is not guaranteed (retries, several relays and consumers run concurrently), so a
 * consumer that keeps a copy applies an event only when its version is newer than the one it has.
 */
export const aggregateVersionSchema = z.number().int().min(1);
