/**
 * Why a request to a remote address did not get an answer. One error, `RemotingError`, whose
 * `reason` says what happened; every reason names the address.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { tlsFailureHint } from "./Tls.ts"

/**
 * The TCP connection could not be opened (refused, unreachable, unknown host…).
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectFailed extends Schema.TaggedError<ConnectFailed>()("ConnectFailed", {
  address: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `cannot connect to ${this.address}: ${this.detail}`
  }

  /** `true`: another attempt, or another address, may connect. */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * The TCP connection did not open within the connect timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectTimedOut extends Schema.TaggedError<ConnectTimedOut>()("ConnectTimedOut", {
  address: Schema.String,
  timeoutMillis: Schema.Number
}) {
  override get message(): string {
    return `connecting to ${this.address} timed out after ${this.timeoutMillis} ms`
  }

  /** `true`: another attempt may connect. */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * No response arrived within the request's timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestTimedOut extends Schema.TaggedError<RequestTimedOut>()("RequestTimedOut", {
  address: Schema.String,
  code: Schema.Number,
  timeoutMillis: Schema.Number
}) {
  override get message(): string {
    return `request ${this.code} to ${this.address} got no response within ${this.timeoutMillis} ms`
  }

  /** `true`: the peer may only have been slow; the request may have reached it. */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * A oneway request could not be handed to the socket within its timeout: the connection was open
 * but the peer did not take the bytes (it stopped reading, or the network stalled). Whether any of
 * it reached the peer is unknown.
 *
 * @since 0.1.0
 * @category errors
 */
export class WriteTimedOut extends Schema.TaggedError<WriteTimedOut>()("WriteTimedOut", {
  address: Schema.String,
  code: Schema.Number,
  timeoutMillis: Schema.Number
}) {
  override get message(): string {
    return `oneway request ${this.code} to ${this.address} was not written within ${this.timeoutMillis} ms: the peer is not taking the bytes`
  }

  /** `true`: the peer may take bytes again, or another peer may. */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * The connection closed (by the peer, by an error, or because the peer sent bytes that are not
 * frames) while the request was waiting.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectionClosed extends Schema.TaggedError<ConnectionClosed>()("ConnectionClosed", {
  address: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `connection to ${this.address} closed: ${this.detail}`
  }

  /** `true`: a new connection may succeed; the request may have reached the peer. */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * The request could not be written to the socket.
 *
 * @since 0.1.0
 * @category errors
 */
export class WriteFailed extends Schema.TaggedError<WriteFailed>()("WriteFailed", {
  address: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `writing to ${this.address} failed: ${this.detail}`
  }

  /** `true`: a new connection may succeed. */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * The request itself cannot be sent (an invalid address, or a command the codec refuses). No byte
 * went on the wire.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  address: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `request to ${this.address} not sent: ${this.detail}`
  }

  /** `false`: the same request is refused the same way. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The TLS handshake failed: `kind` says why (an unknown CA, a name mismatch, an expired
 * certificate, a refused client certificate, or a server that does not speak TLS). A certificate
 * problem is not retried: another attempt meets the same certificate.
 *
 * @since 0.1.0
 */
export class TlsFailed extends Schema.TaggedError<TlsFailed>()("TlsFailed", {
  address: Schema.String,
  kind: Schema.Literals(["UnknownCa", "NameMismatch", "Expired", "NotYetValid", "ClientCertificateRejected", "Handshake"]),
  detail: Schema.String
}) {
  override get message(): string {
    return `TLS to ${this.address} failed (${this.kind}): ${this.detail}; ${tlsFailureHint(this.kind)}`
  }

  /** `false` for a certificate problem (another attempt meets the same certificate); `true` for another handshake failure. */
  get isRetryable(): boolean {
    return this.kind === "Handshake"
  }
}

/**
 * The client was shut down (its layer's scope closed).
 *
 * @since 0.1.0
 * @category errors
 */
export class ClientClosed extends Schema.TaggedError<ClientClosed>()("ClientClosed", {
  address: Schema.String
}) {
  override get message(): string {
    return `request to ${this.address} abandoned: the client is shut down`
  }

  /** `false`: the client is gone. */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * What went wrong in a `RemotingError`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RemotingErrorReason = Schema.Union([
  ConnectFailed,
  ConnectTimedOut,
  RequestTimedOut,
  WriteTimedOut,
  ConnectionClosed,
  WriteFailed,
  InvalidRequest,
  ClientClosed,
  TlsFailed
])

/**
 * @since 0.1.0
 * @category models
 */
export type RemotingErrorReason = typeof RemotingErrorReason.Type

/**
 * A request to `reason.address` that got no response.
 *
 * @since 0.1.0
 * @category errors
 */
export class RemotingError extends Schema.TaggedError<RemotingError>()("RemotingError", {
  reason: RemotingErrorReason
}) {
  override get message(): string {
    return this.reason.message
  }

  /** The address the request was for. */
  get address(): string {
    return this.reason.address
  }

  /**
   * `true` when the request may have reached the peer or another attempt may succeed: everything
   * but an invalid request, a shut-down client and a certificate the client does not accept (the
   * reason's `isRetryable`).
   */
  get isRetryable(): boolean {
    return this.reason.isRetryable
  }
}
