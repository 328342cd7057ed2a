import { createHash, timingSafeEqual } from 'node:crypto'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env.js'

/**
 * Admin routes accept `Authorization: Bearer <token>` or HTTP Basic with the token as the password
 * (any user name), so both scripts and a browser (Bull Board) work. There is no anonymous access.
 */
export function adminAuth(token: string) {
  const expected = digest(token)
  return createMiddleware<AppEnv>(async (c, next) => {
    const presented = presentedToken(c.req.header('authorization'))
    // Comparing fixed-length digests keeps the comparison constant-time whatever was sent.
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      c.header('WWW-Authenticate', 'Basic realm="marketplace-hub admin", charset="UTF-8"')
      return c.json({ error: 'admin authentication required' }, 401)
    }
    return next()
  })
}

function presentedToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const [scheme, value] = header.split(' ', 2)
  if (!value) return undefined
  if (scheme?.toLowerCase() === 'bearer') return value.trim()
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value.trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon >= 0 ? decoded.slice(colon + 1) : undefined
  }
  return undefined
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}
