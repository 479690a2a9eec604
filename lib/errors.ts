// Domain failures. Only PublicError messages are shown to users; anything else is logged and
// reported as a generic failure.
export class PublicError extends Error {
  readonly status: number = 400;
  readonly code: string = "invalid";
}

export class NotFound extends PublicError {
  override readonly status = 404;
  override readonly code = "not_found";
  constructor(what = "That item") {
    super(`${what} was not found.`);
  }
}

export class Forbidden extends PublicError {
  override readonly status = 403;
  override readonly code = "forbidden";
  constructor(message = "You do not have permission to do that.") {
    super(message);
  }
}

export class Conflict extends PublicError {
  override readonly status = 409;
  override readonly code = "conflict";
}

export class Invalid extends PublicError {
  override readonly status = 400;
  override readonly code = "invalid";
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class RateLimited extends PublicError {
  override readonly status = 429;
  override readonly code = "rate_limited";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
