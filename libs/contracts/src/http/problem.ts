/**
 * Errors of the public HTTP contract: application/problem+json (RFC 9457) with a stable `code`.
 * Features throw subclasses of DomainError; one filter per process maps `kind` to the status.
 */
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
}

export type ErrorKind =
  | 'invalid' // 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'precondition_failed' // 412: If-Match names a version that is no longer current
  | 'too_large' // 413
  | 'rate_limited' // 429
  | 'unavailable' // 503
  | 'timeout'; // 504

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
};

export class DomainError extends Error {
  constructor(
    /** Stable, documented code such as `OPPORTUNITY.NOT_UNASSIGNED`. */
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A feature's error class, declared once as its codes and the kind each one maps to:
 * `export class OpportunityError extends codedErrors<OpportunityErrorCode>({...}) {}`.
 */
export function codedErrors<Code extends string>(kinds: Record<Code, ErrorKind>) {
  return class extends DomainError {
    constructor(code: Code, message: string, errors?: FieldError[]) {
      super(code, kinds[code], message, errors);
    }
  };
}
