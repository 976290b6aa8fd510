import { parseArgs, ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { amqpEnv, ConfigError, loadConfig } from '@crm/config';
import { DomainError } from '@crm/contracts';
import { DeadLetterAdmin, DeadLetterOutcome, MAX_SCAN, ScanExtent } from '../dead-letter-admin';
import { checkTopology, migrateQueue } from '../topology-migration';
import { table } from './table';

/** The only settings the tools need; the rest of a service's configuration is irrelevant here. */
const cliEnvSchema = z.object({ AMQP_URL: amqpEnv.AMQP_URL, EVENTS_EXCHANGE: amqpEnv.EVENTS_EXCHANGE, AMQP_QUEUE_PREFIX: amqpEnv.AMQP_QUEUE_PREFIX });

export const USAGE = `usage: npm run messaging -- <command>
  dead-letters queues [--services marketing,customer] [--json]
  dead-letters list <queue> [--type TYPE] [--limit N] [--json]
  dead-letters show <queue> <id>
  dead-letters replay <queue> (--id ID [--id ID …] | --type TYPE | --all) [--json]
  dead-letters discard <queue> (--id ID [--id ID …] | --type TYPE | --all) [--json]
  topology check --service NAME [--consumes] [--json]
  topology migrate --service NAME --queue QUEUE [--bind EVENT_TYPE …] [--json]
<queue>: <service>.events.dlq or <exchange>.unrouted. Environment: AMQP_URL, EVENTS_EXCHANGE, AMQP_QUEUE_PREFIX.
Exit status: 0 done, 1 failed (or a mismatch / message left behind), 2 usage or configuration.
`;

export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
const json: Options = { json: { type: 'boolean' } };
const selector: Options = { id: { type: 'string', multiple: true }, type: { type: 'string' }, all: { type: 'boolean' }, ...json };

interface Context {
  positionals: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  env: z.infer<typeof cliEnvSchema>;
  out: CliOutput;
}

const COMMANDS: Record<string, { options: Options; positionals: number; run(context: Context): Promise<number> }> = {
  'dead-letters queues': {
    options: { services: { type: 'string' }, ...json },
    positionals: 0,
    async run({ values, env, out }) {
      const services = String(values.services ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const queues = await admin(env).queues(services);
      print(out, values, queues, () => table(queues.map((q) => ({ ...q, messages: q.present ? q.messages : 'absent' })), ['queue', 'kind', 'messages']));
      return 0;
    },
  },
  'dead-letters list': {
    options: { type: { type: 'string' }, limit: { type: 'string' }, ...json },
    positionals: 1,
    async run({ positionals: [queue], values, env, out }) {
      const limit = values.limit === undefined ? 100 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SCAN) throw new UsageError(`--limit must be an integer from 1 to ${MAX_SCAN}`);
      const list = await admin(env).list(queue, { type: values.type as string | undefined, limit });
      print(out, values, list, () => table(list.items, ['id', 'type', 'reason', 'consumer', 'deadLetteredAt', 'attempts']) + extent(list, `${list.items.length} of ${list.matched} matching listed`));
      return 0;
    },
  },
  'dead-letters show': {
    options: json,
    positionals: 2,
    async run({ positionals: [queue, id], env, out }) {
      out.stdout.write(JSON.stringify(await admin(env).show(queue, id), null, 2) + '\n');
      return 0;
    },
  },
  'dead-letters replay': { options: selector, positionals: 1, run: (context) => act(context, 'replay') },
  'dead-letters discard': { options: selector, positionals: 1, run: (context) => act(context, 'discard') },
  'topology check': {
    options: { service: { type: 'string' }, consumes: { type: 'boolean' }, ...json },
    positionals: 0,
    async run({ values, env, out }) {
      const report = await checkTopology({ ...target(values, env), consumes: values.consumes === true });
      print(out, values, report, () => table(report.entries, ['kind', 'name', 'status', 'detail'], 200) + (report.ok ? 'topology ok\n' : 'topology differs: see above\n'));
      return report.ok ? 0 : 1;
    },
  },
  'topology migrate': {
    options: { service: { type: 'string' }, queue: { type: 'string' }, bind: { type: 'string', multiple: true }, ...json },
    positionals: 0,
    async run({ values, env, out }) {
      if (!values.queue) throw new UsageError('--queue is required');
      const result = await migrateQueue({ ...target(values, env), consumes: true }, String(values.queue), { bindings: values.bind as string[] | undefined });
      print(out, values, result, () => result.steps.map((step) => `  ${step}\n`).join('') + `${result.queue}: ${result.status}, ${result.moved} messages kept, ${result.lost} lost\n`);
      return result.lost ? 1 : 0;
    },
  },
};

/** Runs one command; resolves the process exit status instead of exiting, so it can be tested. */
export async function run(argv: string[], environment: NodeJS.ProcessEnv, out: CliOutput): Promise<number> {
  try {
    const name = argv.slice(0, 2).join(' ');
    const command = COMMANDS[name];
    if (!command) throw new UsageError(argv.length ? `unknown command: ${name}` : 'no command given');
    const { values, positionals } = parseArgs({ args: argv.slice(2), options: command.options, allowPositionals: true, strict: true });
    if (positionals.length !== command.positionals) throw new UsageError(`${name} takes ${command.positionals} argument(s), got ${positionals.length}`);
    const env = loadConfig(cliEnvSchema, environment);
    return await command.run({ positionals, values, env, out });
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      out.stderr.write(`${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      out.stderr.write(`${error.message}\n`);
      return 2;
    }
    out.stderr.write(error instanceof DomainError ? `${error.code}: ${error.message}\n` : `failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

async function act(context: Context, action: 'replay' | 'discard'): Promise<number> {
  const { positionals: [queue], values, env, out } = context;
  const selection = { ids: values.id as string[] | undefined, type: values.type as string | undefined, all: values.all === true };
  const dlAdmin = admin(env);
  const outcome: DeadLetterOutcome = action === 'replay' ? await dlAdmin.replay(queue, selection) : await dlAdmin.discard(queue, selection);
  print(out, values, outcome, () => {
    const verb = action === 'replay' ? 'replayed' : 'discarded';
    const failures = outcome.failed.map((f) => `  not ${verb}: ${f.id ?? '(no id)'}: ${f.reason}\n`).join('');
    return failures + extent(outcome, `${verb} ${outcome.done} of ${outcome.matched} matching message(s)`);
  });
  return outcome.failed.length ? 1 : 0;
}

function admin(env: Context['env']): DeadLetterAdmin {
  return new DeadLetterAdmin({ amqpUrl: env.AMQP_URL, exchange: env.EVENTS_EXCHANGE, queuePrefix: env.AMQP_QUEUE_PREFIX });
}

function target(values: Context['values'], env: Context['env']) {
  if (!values.service) throw new UsageError('--service is required');
  return { service: String(values.service), exchange: env.EVENTS_EXCHANGE, queuePrefix: env.AMQP_QUEUE_PREFIX, amqpUrl: env.AMQP_URL };
}

function extent(result: ScanExtent, what: string): string {
  if (!result.present) return `${result.queue} does not exist (yet): nothing to do\n`;
  const scope = result.complete ? 'the whole queue' : `stopped after ${result.scanned} message(s) (a limit, or at most ${MAX_SCAN} per call): run again for the rest`;
  return `${what}; looked at ${result.scanned} message(s): ${scope}\n`;
}

function print(out: CliOutput, values: Context['values'], result: unknown, human: () => string): void {
  out.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : human());
}
