import type { Context } from 'hono'

/** The request body parsed as JSON when it is sent as `application/json`; undefined otherwise. */
export async function jsonBody(c: Context): Promise<unknown> {
  if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return undefined
  try {
    return JSON.parse(await c.req.text()) as unknown
  } catch {
    return undefined
  }
}
