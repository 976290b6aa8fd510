import type { UserRef } from '@crm/contracts';

export interface Feedback {
  result: string;
  satisfaction: number;
}

/** One transition of the state machine: what happened, when, by whom, and what it carried. */
export type TicketStep = { at: Date; by: UserRef } & (
  | { action: 'created' }
  | { action: 'assigned'; assignee: UserRef; previousAssignee: UserRef | null }
  | { action: 'handled'; handling: string }
  | ({ action: 'archived' | 'reopened' } & Feedback)
);

export type TicketAction = TicketStep['action'];
export const TICKET_ACTIONS: readonly TicketAction[] = ['created', 'assigned', 'handled', 'archived', 'reopened'];

/** Feedback this satisfied or better archives the ticket (§3); below, it goes back to its assignee. */
export const ARCHIVING_SATISFACTION = 3;

/** A user reference from its two columns; null when the id is. */
export const userRef = (id: string | null, name: string | null): UserRef | null => (id ? { id, name: name ?? '' } : null);
