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
    c.set('log', log.child({ requestId: id }))
    c.header('x-request-id', id)
    await next()
  })
}
