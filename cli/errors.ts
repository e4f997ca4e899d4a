/** A command failed: exit code 1, and `{"error": {id, message}}` with --json. */
export class CliError extends Error {
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

/** The command was used wrongly: exit code 2, with the usage. */
export class CliUsageError extends Error {}
