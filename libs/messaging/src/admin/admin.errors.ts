import { codedErrors } from '@crm/contracts';

export enum DeadLetterErrorCode {
  /** Not a dead-letter queue (`<service>.events.dlq` of a known service) nor the unrouted queue. */
  UnknownQueue = 'DEAD_LETTERS.UNKNOWN_QUEUE',
  NothingSelected = 'DEAD_LETTERS.NOTHING_SELECTED',
  AmbiguousSelector = 'DEAD_LETTERS.AMBIGUOUS_SELECTOR',
  MessageNotFound = 'DEAD_LETTERS.MESSAGE_NOT_FOUND',
  BrokerUnavailable = 'DEAD_LETTERS.BROKER_UNAVAILABLE',
}

/** Errors of the dead-letter tools; the HTTP filter maps `kind` to the status, the CLI to exit 1. */
export class DeadLetterError extends codedErrors<DeadLetterErrorCode>({
  [DeadLetterErrorCode.UnknownQueue]: 'not_found',
  [DeadLetterErrorCode.NothingSelected]: 'invalid',
  [DeadLetterErrorCode.AmbiguousSelector]: 'invalid',
  [DeadLetterErrorCode.MessageNotFound]: 'not_found',
  [DeadLetterErrorCode.BrokerUnavailable]: 'unavailable',
}) {}

export enum TopologyErrorCode {
  /** The queue is not one this service declares, so there are no "current arguments" for it. */
  UnknownQueue = 'TOPOLOGY.UNKNOWN_QUEUE',
  /** Consumers are attached: migrating under them would delete their queue. */
  QueueInUse = 'TOPOLOGY.QUEUE_IN_USE',
  /** Messages wait in the retry queues and would expire into the consumer queue while it is away. */
  RetriesPending = 'TOPOLOGY.RETRIES_PENDING',
  MigrationFailed = 'TOPOLOGY.MIGRATION_FAILED',
  BrokerUnavailable = 'TOPOLOGY.BROKER_UNAVAILABLE',
}

export class TopologyError extends codedErrors<TopologyErrorCode>({
  [TopologyErrorCode.UnknownQueue]: 'not_found',
  [TopologyErrorCode.QueueInUse]: 'conflict',
  [TopologyErrorCode.RetriesPending]: 'conflict',
  [TopologyErrorCode.MigrationFailed]: 'conflict',
  [TopologyErrorCode.BrokerUnavailable]: 'unavailable',
}) {}
