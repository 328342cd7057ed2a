/**
 * Fault injection for the emulator: what tests (and simulations) switch on to make a channel's API
 * misbehave the way real marketplaces do, on top of the behaviour each channel emulates. A fault
 * matches requests by method and path (relative to the channel's mount, e.g. `/v3/inventory`) and
 * applies to the next `times` of them:
 * - `answer`: the request is answered with this response instead of reaching the channel's API
 *   (an error status, a malformed or oversized body, a 429 storm in a form the channel does not use);
 * - `delayMs`: the answer (the channel's own, or `answer`) is held back this long;
 * - `networkError`: no answer at all; the connection is dropped.
 * Faults are consumed in the order they were added; the first matching one applies.
 */
import type { Context, MiddlewareHandler } from 'hono'

export interface FaultMatch {
  /** Upper-case method; any when absent. */
  readonly method?: string
  /** A path prefix (string) or pattern, matched against the path below the channel's mount. */
  readonly path?: string | RegExp
}

export interface Fault extends FaultMatch {
  /** How many matching requests it applies to (default 1; `Infinity` for all of them). */
  readonly times?: number
  readonly answer?: () => Response | Promise<Response>
  readonly delayMs?: number
  readonly networkError?: true
}

/** One request as it reached the emulated API, recorded before any fault or check applied. */
export interface ArrivedRequest {
  readonly method: string
  /** Below the channel's mount, still percent-encoded (e.g. `/v3/inventory`). */
  readonly path: string
  /** As sent, still percent-encoded, without the `?`. */
  readonly rawQuery: string
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** Set when an injected fault answered it instead of the channel. */
  readonly faulted?: true
}

/**
 * The request log keeps this many of the latest requests: a test makes far fewer, and a sandbox
 * left running for days must not grow without bound.
 */
export const REQUEST_LOG_SIZE = 10_000

/**
 * A response carrying this header is turned into a network error by the msw bridge
 * (test/helpers/emulator-msw.ts), which has no socket to drop.
 */
export const NETWORK_ERROR_HEADER = 'x-emulator-network-error'

export class FaultPlan {
  private readonly pending: { fault: Fault; left: number }[] = []

  /** Adds a fault; returns the plan, for chaining. */
  add(fault: Fault): this {
    this.pending.push({ fault, left: fault.times ?? 1 })
    return this
  }

  /** Drops every fault not yet used up. */
  clear(): void {
    this.pending.length = 0
  }

  /** The fault for this request, if one matches; it counts as used. */
  take(method: string, path: string): Fault | undefined {
    const index = this.pending.findIndex(({ fault }) => matches(fault, method, path))
    if (index < 0) return undefined
    const entry = this.pending[index]!
    entry.left -= 1
    if (entry.left <= 0) this.pending.splice(index, 1)
    return entry.fault
  }
}

function matches(fault: FaultMatch, method: string, path: string): boolean {
  if (fault.method !== undefined && fault.method !== method) return false
  if (fault.path === undefined) return true
  return typeof fault.path === 'string' ? path.startsWith(fault.path) : fault.path.test(path)
}

/**
 * Middleware in front of a channel's routes: records every request in `requests`, then applies
 * the first matching fault of `faults`. `mount` is the prefix the channel's routes sit under.
 */
export function faultInjection(
  mount: string,
  state: { readonly faults: FaultPlan; readonly requests: ArrivedRequest[] },
): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url)
    const path = url.pathname.startsWith(mount) ? url.pathname.slice(mount.length) : url.pathname
    const fault = state.faults.take(c.req.method, path)
    state.requests.push({
      method: c.req.method,
      path,
      rawQuery: url.search.replace(/^\?/, ''),
      headers: Object.fromEntries(c.req.raw.headers),
      // Hono keeps the body it read, so the channel's routes can still read it.
      body: await c.req.text(),
      ...(fault?.answer || fault?.networkError ? { faulted: true as const } : {}),
    })
    if (state.requests.length > REQUEST_LOG_SIZE)
      state.requests.splice(0, state.requests.length - REQUEST_LOG_SIZE)
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
    if (fault?.networkError) return dropConnection(c)
    if (fault?.answer) return fault.answer()
    return next()
  }
}

/** Destroys the socket when there is one (a real server); otherwise marks the answer for msw. */
function dropConnection(c: Context): Response {
  const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming
  incoming?.socket?.destroy()
  return new Response(null, { status: 599, headers: { [NETWORK_ERROR_HEADER]: '1' } })
}
