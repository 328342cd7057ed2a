import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { z } from 'zod'
import { formatIssues } from '../../issues.js'
import { UNSTORABLE_TEXT, unstorableTextPath, pathText } from '../../storable.js'

/** Parses an admin request's JSON body with a schema; a 400 names every bad field. */
export async function parseJsonRequest<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw badRequest(['body: not valid JSON'])
  }
  // Every string of every body, whatever its schema says: PostgreSQL can store none with U+0000.
  const nul = unstorableTextPath(body)
  const parsed = schema.safeParse(body)
  const problems = [
    ...(nul ? [`${pathText('body', nul)}: ${UNSTORABLE_TEXT}`] : []),
    ...(parsed.success ? [] : formatIssues(parsed.error, 'body')),
  ]
  if (problems.length > 0 || !parsed.success) throw badRequest(problems)
  return parsed.data
}

export function badRequest(problems: readonly string[]): HTTPException {
  return new HTTPException(400, {
    res: new Response(JSON.stringify({ error: 'invalid request', problems }), {
      status: 400,
      headers: { 'content-type': 'application/json' },
    }),
  })
}
