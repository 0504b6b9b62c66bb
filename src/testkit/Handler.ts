/**
 * Request handlers of the testkit servers: one function per request code, in a file named after the
 * code (`broker/SendMessageV2.ts`, `nameserver/GetRouteInfoByTopic.ts`), registered in its server's
 * handler table (`broker/BrokerHandlers.ts`, `nameserver/NameServerHandlers.ts`). A handler reads
 * and changes its server's state through the context it is given and returns the answer; it runs
 * after the request's control hooks have passed (see `Control.ts`).
 *
 * @since 0.1.0
 */
import type { RemotingCommand, ResponseOptions } from "../protocol/RemotingCommand.ts"
import { ResponseCode } from "../protocol/ResponseCode.ts"
import type { Session } from "./Session.ts"

/**
 * Answers one request code: the response fields, or `undefined` to send nothing (oneway requests
 * get nothing whatever the handler returns). A handler that throws is answered SYSTEM_ERROR.
 *
 * @since 0.1.0
 * @category models
 */
export type Handler<Context> = (request: RemotingCommand, session: Session, context: Context) => ResponseOptions | undefined

/**
 * Request code → handler.
 *
 * @since 0.1.0
 * @category models
 */
export type HandlerTable<Context> = ReadonlyMap<number, Handler<Context>>

/**
 * A handler table from `[code, handler]` pairs; a code listed twice keeps its last handler.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeHandlerTable = <Context>(
  entries: ReadonlyArray<readonly [code: number, handler: Handler<Context>]>
): HandlerTable<Context> => new Map(entries)

/**
 * The answer a Java server gives to a request code it does not handle.
 *
 * @since 0.1.0
 * @category handlers
 */
export const notSupported = (request: RemotingCommand): ResponseOptions => ({
  code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
  remark: ` request type ${request.code} not supported`
})

/**
 * Answers each request with the table's handler for its code, `notSupported` for the others.
 *
 * @since 0.1.0
 * @category combinators
 */
export const dispatch = <Context>(table: HandlerTable<Context>, context: Context) =>
(request: RemotingCommand, session: Session): ResponseOptions | undefined => {
  const handler = table.get(request.code)
  return handler === undefined ? notSupported(request) : handler(request, session, context)
}
