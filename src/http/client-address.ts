import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'

/**
 * The peer address of the connection a request came on; `unknown` when there is no socket
 * (`app.request()` in tests). Forwarding headers are not read: anyone can write them, and a
 * limit keyed on them could be dodged by changing one. Behind a reverse proxy every client is the
 * proxy's address.
 */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: unknown; server?: { incoming?: unknown } } | undefined
  if (!env?.incoming && !env?.server?.incoming) return 'unknown'
  return getConnInfo(c).remote.address ?? 'unknown'
}
