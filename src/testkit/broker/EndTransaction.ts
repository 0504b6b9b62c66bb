/**
 * END_TRANSACTION (37) at the testkit broker (Java `EndTransactionProcessor`): commits or rolls back
 * a half message (see `BrokerTransactions.ts`), and records what it did. It travels oneway, so
 * nothing is answered whatever happened.
 *
 * @since 0.1.0
 */
import type { Handler } from "../Handler.ts"
import type { BrokerContext } from "./BrokerContext.ts"

/**
 * Handles END_TRANSACTION.
 *
 * @since 0.1.0
 * @category handlers
 */
export const endTransaction: Handler<BrokerContext> = (request, session, context) => {
  context.transactions.endTransaction(request, session.remoteAddress)
  return undefined
}
