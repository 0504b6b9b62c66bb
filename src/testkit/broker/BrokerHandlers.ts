/**
 * The request codes the testkit broker answers, and the handler of each. To answer another code
 * (END_TRANSACTION, say), add a file named after it in this folder exporting a
 * `Handler<BrokerContext>` (extend `BrokerContext` if it needs more state), and list it here.
 *
 * @since 0.1.0
 */
import { RequestCode } from "../../protocol/RequestCode.ts"
import { makeHandlerTable } from "../Handler.ts"
import type { BrokerContext } from "./BrokerContext.ts"
import { heartBeat } from "./HeartBeat.ts"
import { sendBatchMessage } from "./SendBatchMessage.ts"
import { sendMessage } from "./SendMessage.ts"
import { sendMessageV2 } from "./SendMessageV2.ts"
import { unregisterClient } from "./UnregisterClient.ts"

/**
 * The broker's handler table.
 *
 * @since 0.1.0
 * @category handlers
 */
export const brokerHandlers = makeHandlerTable<BrokerContext>([
  [RequestCode.SEND_MESSAGE, sendMessage],
  [RequestCode.SEND_MESSAGE_V2, sendMessageV2],
  [RequestCode.SEND_BATCH_MESSAGE, sendBatchMessage],
  [RequestCode.HEART_BEAT, heartBeat],
  [RequestCode.UNREGISTER_CLIENT, unregisterClient]
])
