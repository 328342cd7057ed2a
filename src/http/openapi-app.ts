import { OpenAPIHono } from '@hono/zod-openapi'
import { formatIssues } from '../issues.js'
import type { AppEnv } from './env.js'
import { badRequest } from './routes/request-body.js'

/** How a validation target is named in a 400's problems (`body.url: …`, `query.after: …`). */
const TARGET_PREFIX: Readonly<Record<string, string>> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
}

/**
 * A router whose routes are declared with `createRoute` (request and response schemas in zod) and
 * so appear in `/openapi.json`. Every failed validation becomes the hub's one 400 shape,
 * `{ error: 'invalid request', problems: ['<where>.<field>: <why>'] }`.
 */
export function openApiRoutes(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success)
        throw badRequest(formatIssues(result.error, TARGET_PREFIX[result.target] ?? result.target))
    },
  })
}
