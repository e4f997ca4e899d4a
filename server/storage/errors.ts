/** The transaction ended underneath a job (the database failed): the whole batch must be abandoned. */
export class TransactionAborted extends Error {
  constructor(cause: unknown) {
    super('The transaction was aborted by the database', { cause });
  }
}
