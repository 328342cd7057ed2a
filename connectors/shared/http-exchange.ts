/**
 * One request/answer exchange with a channel API, the part every channel client does the same
 * way: send through the injected transport, read the body up to a size cap, say why nothing
 * usable came back, and parse a JSON answer losslessly. Classifying the answer stays with each
 * client, because every channel reports errors differently.
 */
import { errorMessage } from '../../src/errors.js'
import { parseJsonBody } from '../../src/json.js'
import type { CallErrors, CallLabel } from './call-errors.js'
import type { HttpTransport, TransportRequest } from '../../src/outbound/transport.js'

/** No answer the hub reads comes near this; a bigger one is cut off, flagged and never parsed. */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024

/** An answer whose body has been read (and the connection released). */
export interface Exchanged {
  readonly status: number
  header(name: string): string | undefined
  /** The body as text; when `tooLarge`, only its first bytes (unusable). */
  readonly text: string
  /** The body was longer than the cap the exchange was made with. */
  readonly tooLarge: boolean
}

/**
 * Sends one request and reads its whole answer, at most `maxBytes` of body. Throws whatever the
 * transport throws when no complete answer arrived (connection failure, deadline passed); see
 * {@link unansweredReason} to describe it.
 */
export async function httpExchange(
  transport: HttpTransport,
  url: string,
  req: TransportRequest,
  maxBytes: number = MAX_RESPONSE_BYTES,
): Promise<Exchanged> {
  const res = await transport(url, req)
  // One byte more than allowed tells "exactly at the cap" from "over it".
  const text = await res.text(maxBytes + 1)
  return {
    status: res.status,
    header: (name) => res.header(name),
    text,
    tooLarge: Buffer.byteLength(text, 'utf8') > maxBytes,
  }
}

/** Whether an error thrown by a transport means the whole-request deadline passed. */
export function isTimeout(err: unknown): boolean {
  return (
    err instanceof Error && (err.name === 'TimeoutError' || /timeout|timed out/i.test(err.message))
  )
}

/**
 * Why an exchange produced no answer, for an error message: the deadline, or the transport's own
 * message. The message can echo the request (a URL, a header), so callers redact it.
 */
export function unansweredReason(err: unknown, timeoutMs: number): string {
  return isTimeout(err)
    ? `no complete answer within ${timeoutMs} ms`
    : `request failed: ${errorMessage(err)}`
}

/**
 * An answer body parsed with `parseJsonBody` (integers beyond 2^53 kept as digit strings), or
 * undefined when it is not JSON. JSON itself has no `undefined`, so the two cannot be confused.
 */
export function parseJsonAnswer(text: string): unknown {
  try {
    return parseJsonBody(text)
  } catch {
    return undefined
  }
}

/**
 * The JSON of a 2xx answer, parsed with {@link parseJsonAnswer}. One above the size cap is a
 * permanent error for `call` (never parsed); one that is not JSON (a gateway's page) a transient
 * one naming the status and `id` (the channel's request or correlation id), when given.
 */
export function jsonAnswer(
  sent: Exchanged,
  call: CallLabel,
  fail: CallErrors['fail'],
  id?: string,
): unknown {
  const { status } = sent
  if (sent.tooLarge) {
    throw fail('permanent', call, `answer larger than ${MAX_RESPONSE_BYTES} bytes`, { status })
  }
  const value = parseJsonAnswer(sent.text)
  if (value === undefined) {
    const about = id === undefined ? `HTTP ${status}` : `HTTP ${status}, ${id}`
    throw fail('transient', call, `answer is not JSON (${about})`, { status })
  }
  return value
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
