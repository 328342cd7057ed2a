import { HTTPException } from 'hono/http-exception'

/**
 * The hub's one 400: `{ error: 'invalid request', problems: ['<where>.<field>: <why>'] }`. Request
 * bodies, paths and queries are validated by the routes' zod schemas (src/http/openapi-app.ts),
 * which answer with it; a handler throws it for what only it can check.
 */
export function badRequest(problems: readonly string[]): HTTPException {
  return new HTTPException(400, {
    res: new Response(JSON.stringify({ error: 'invalid request', problems }), {
      status: 400,
      headers: { 'content-type': 'application/json' },
    }),
  })
}
