import { Injectable } from '@nestjs/common';

export type ConsumerState = 'starting' | 'consuming' | 'disconnected' | 'refused';

export interface ConsumerStatus {
  state: ConsumerState;
  /** Why the broker refused the consumer's set-up (e.g. a queue declared with other arguments). */
  reason?: string;
  since: string;
}

/**
 * What the event consumer of this process is doing, for readiness and metrics. `refused` means
 * the broker rejected its queue declaration or binding (changed queue arguments, missing
 * permissions): events pile up unconsumed until someone acts, so readiness fails. A broker that
 * is merely unreachable is `disconnected` and reported without failing readiness (HTTP still
 * serves; the consumer reconnects by itself).
 */
@Injectable()
export class ConsumerHealth {
  private status: ConsumerStatus = { state: 'starting', since: new Date().toISOString() };

  get current(): ConsumerStatus {
    return this.status;
  }

  set(state: ConsumerState, reason?: string): void {
    if (this.status.state === state && this.status.reason === reason) return;
    this.status = { state, ...(reason ? { reason } : {}), since: new Date().toISOString() };
  }
}
