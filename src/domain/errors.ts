/** Stable error codes of the public API. Clients branch on these, never on messages. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'INVALID_TRANSITION'
  | 'DAILY_LIMIT_REACHED'
  | 'SUBMISSION_DISABLED'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX';

/** Base class of every expected failure: the caller can act on it, and nothing was changed. */
export class DomainError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** Extra fields placed in the GraphQL error's `extensions`, beside `code`. */
  extensions(): Record<string, unknown> {
    return {};
  }
}

export class ValidationError extends DomainError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('VALIDATION_FAILED', message);
  }

  override extensions() {
    return { field: this.field };
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class InvalidTransitionError extends DomainError {
  constructor(
    readonly status: string,
    message: string,
  ) {
    super('INVALID_TRANSITION', message);
  }

  override extensions() {
    return { status: this.status };
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export class DailyLimitReachedError extends DomainError {
  constructor(
    readonly limit: number,
    message: string,
  ) {
    super('DAILY_LIMIT_REACHED', message);
  }

  override extensions() {
    return { limit: this.limit };
  }
}

export class SubmissionDisabledError extends DomainError {
  constructor(message: string) {
    super('SUBMISSION_DISABLED', message);
  }
}
