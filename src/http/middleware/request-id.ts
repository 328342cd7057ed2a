import { randomUUID } from 'node:crypto'
import { createMiddleware } from 'hono/factory'
import type { Logger } from '../../logger.js'
import type { AppEnv } from '../env.js'
import { requestHeader } from '../request-bytes.js'

const INCOMING = /^[A-Za-z0-9._-]{1,128}$/

/**
 * Gives each request an id (a well-formed incoming `x-request-id` is kept, so a proxy's id carries
 * through), a child logger carrying it, and echoes it in the response.
 */
export function requestId(log: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = requestHeader(c, 'x-request-id')
    const id = incoming && INCOMING.test(incoming) ? incoming : randomUUID()
    c.set('requestId', id)
    c.set('log', lazyChild(log, { requestId: id }))
    c.header('x-request-id', id)
    await next()
  })
}

/**
 * A child logger made on first use: most requests log nothing, and making a child runs pino's
 * redaction over its bindings (a measurable share of a webhook's cost at 1,000/s).
 */
function lazyChild(log: Logger, bindings: Record<string, string>): Logger {
  let child: Logger | undefined
  return new Proxy(log, {
    get(_target, property) {
      child ??= log.child(bindings)
      const value: unknown = Reflect.get(child, property, child)
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(child)
        : value
    },
  })
}
