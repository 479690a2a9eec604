// A failed query's error quotes the whole statement with its parameters (secret hashes, emails,
// a batch of events): log the database's reason, not the parameters. Other errors are logged
// whole, with their stack.
export function loggableError(error: unknown): unknown {
  return error instanceof Error && error.cause instanceof Error
    ? `${error.cause.name}: ${error.cause.message}`
    : error;
}
