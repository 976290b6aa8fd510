import { InboxMessage } from './inbox/inbox-message.entity';
import { JobLease } from './jobs/job-lease.entity';
import { JobRun } from './jobs/job-run.entity';
import { OutboxMessage } from './outbox/outbox-message.entity';

/** Tables every service with messaging owns in its own schema. */
export const MESSAGING_ENTITIES = [OutboxMessage, InboxMessage, JobLease, JobRun];
