import { z } from 'zod';

/**
 * CloudEvents 1.0, structured mode, as published on the `crm.events` topic exchange
 * (contract "Events"). The routing key is the event type; `id` is unique per event and is what
 * consumers dedupe by.
 */
export interface CloudEvent<Data = unknown, Type extends string = string> {
  specversion: '1.0';
  id: string;
  source: string;
  type: Type;
  time: string;
  datacontenttype: 'application/json';
  /** The aggregate the event is about (e.g. the opportunity id); optional in CloudEvents. */
  subject?: string;
  data: Data;
}

export const cloudEventEnvelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().regex(/^crm\/[a-z][a-z0-9-]*$/, 'must be crm/<service>'),
  type: z.string().regex(/^[a-z]+(\.[a-z-]+)+\.v\d+$/, 'must be <domain>.<entity>.<action>.v<version>'),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  subject: z.string().optional(),
  data: z.unknown(),
});

/** One versioned event type: its name, the schema of its `data`, and the producing service. */
export interface EventDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly type: Type;
  readonly source: string;
  readonly data: Schema;
  readonly description: string;
}

export type EventData<D extends EventDefinition> = z.infer<D['data']>;
export type EventOf<D extends EventDefinition> = CloudEvent<EventData<D>, D['type']>;

export function defineEvent<Type extends string, Schema extends z.ZodType>(
  type: Type,
  source: string,
  description: string,
  data: Schema,
): EventDefinition<Type, Schema> {
  return Object.freeze({ type, source, data, description });
}

/** Validates a whole envelope and its data against the definition. */
export function parseEvent<D extends EventDefinition>(
  definition: D,
  value: unknown,
): { success: true; event: EventOf<D> } | { success: false; issues: { path: string; message: string }[] } {
  const envelope = cloudEventEnvelopeSchema.safeParse(value);
  if (!envelope.success) return { success: false, issues: toIssues(envelope.error, '') };
  if (envelope.data.type !== definition.type) {
    return { success: false, issues: [{ path: 'type', message: `expected ${definition.type}` }] };
  }
  const data = definition.data.safeParse(envelope.data.data);
  if (!data.success) return { success: false, issues: toIssues(data.error, 'data.') };
  return { success: true, event: { ...envelope.data, data: data.data } as EventOf<D> };
}

function toIssues(error: z.ZodError, prefix: string) {
  return error.issues.map((issue) => ({ path: prefix + issue.path.join('.'), message: issue.message }));
}
