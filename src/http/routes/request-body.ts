import { HTTPException } from 'hono/http-exception'
import { ChannelId } from '../../events/index.js'

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

/** A 404 `{ error }` naming what the path named and the hub does not have. */
export function notFound(problem: string): HTTPException {
  return new HTTPException(404, { res: Response.json({ error: problem }, { status: 404 }) })
}

/** The `:channel` of an admin path: a channel the hub knows, or a 400 naming it. */
export function knownChannel(channel: string): ChannelId {
  const known = ChannelId.safeParse(channel)
  if (!known.success) throw badRequest([`channel: "${channel}" is not a channel the hub knows`])
  return known.data
}
