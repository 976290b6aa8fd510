import { z } from 'zod';

export const userRefSchema = z.object({ id: z.string().min(1), name: z.string() });
export const instantSchema = z.iso.datetime({ offset: true });
