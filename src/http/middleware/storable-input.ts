import { createMiddleware } from 'hono/factory'
import { routePath } from 'hono/route'
import { UNSTORABLE_TEXT, hasUnstorableChar, visibleText } from '../../storable.js'
import type { AppEnv } from '../env.js'
import { badRequest } from '../routes/request-body.js'

/**
 * Refuses, for every admin route, a path parameter or query value holding U+0000 (`%00`), which
 * PostgreSQL cannot store or even compare with: a 400 naming the field (`path.sku`,
 * `query.account`) instead of a database error. JSON bodies are checked where they are validated
 * (`openApiRoutes`, src/http/openapi-app.ts); header values never hold it (Node's HTTP parser answers 400 itself, and
 * the Fetch API's `Headers` throws). Numbers and cursors are bounded by the routes' schemas
 * (`PgInteger`, `bigintCursor`).
 */
export function storableInput() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const problems: string[] = []
    const url = new URL(c.req.url)
    if (url.pathname.includes('%00')) {
      // The handler's pattern names the segment (`/v1/inventory/:sku` → `path.sku`).
      const pattern = routePath(c, -1).split('/')
      url.pathname.split('/').forEach((segment, i) => {
        if (!decoded(segment).includes('\u0000')) return
        const name = pattern[i]?.startsWith(':') ? `.${paramName(pattern[i])}` : ''
        problems.push(`path${name}: ${UNSTORABLE_TEXT}`)
      })
    }
    for (const [name, values] of Object.entries(c.req.queries())) {
      if (hasUnstorableChar(name) || values.some(hasUnstorableChar))
        problems.push(`query.${visibleText(name)}: ${UNSTORABLE_TEXT}`)
    }
    if (problems.length > 0) {
      c.get('log').warn({ problems }, 'admin request refused: input PostgreSQL cannot store')
      throw badRequest(problems)
    }
    await next()
  })
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** `:sku{[^/]+}?` → `sku`. */
function paramName(patternSegment: string): string {
  return patternSegment.slice(1).replace(/[{?].*$/, '')
}
