// The transport tests give clients and the hub so that msw sees their outbound calls.
import type { HttpTransport } from '../../src/outbound/transport.js'

/**
 * An `HttpTransport` over the global `fetch`, looked up at call time so msw's interception applies.
 * msw does not see requests made with undici's own `request()` (the production transport), so
 * channel-client tests and end-to-end tests that reach the emulator through msw pass this instead
 * (STYLE.md §4.13, "Outbound HTTP and msw").
 */
export function fetchTransport(): HttpTransport {
  return async (url, req) => {
    const res = await globalThis.fetch(url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(req.timeoutMs),
    })
    return {
      status: res.status,
      header: (name) => res.headers.get(name) ?? undefined,
      async text(maxBytes) {
        const bytes = Buffer.from(await res.arrayBuffer())
        return bytes.subarray(0, maxBytes).toString('utf8')
      },
    }
  }
}
