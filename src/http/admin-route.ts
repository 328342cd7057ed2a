import { createRoute, z, type RouteConfig } from '@hono/zod-openapi'
import { ErrorMessage, RETRY_AFTER, invalidRequest, json } from './api-schemas.js'

/** The admin token's security scheme in `/openapi.json` (`Authorization: Bearer <ADMIN_TOKEN>`). */
export const ADMIN_SECURITY = 'adminToken'

/** What the `/v1` middleware (src/http/app.ts) answers on any admin route, before its handler. */
const READ_ANSWERS = {
  // storable-input.ts refuses a path or query value PostgreSQL cannot store, on every route.
  400: invalidRequest,
  401: {
    ...json('No admin token, or not the right one.', ErrorMessage),
    headers: z.object({ 'WWW-Authenticate': z.string() }),
  },
  429: {
    ...json(
      'Too many failed authentications from this address (`AUTH_FAILURE_*`); its credentials are not checked until its window ends.',
      z.object({ error: z.string(), retryAfterSeconds: z.number().int() }).openapi('RateLimited'),
    ),
    headers: RETRY_AFTER,
  },
}

/** …and on a write (admin-write-guard.ts, the body limit): never from another site's page. */
const WRITE_ANSWERS = {
  ...READ_ANSWERS,
  403: json(
    "Sent from another site's page (`Origin`, `Sec-Fetch-Site`); trusted origins go in ADMIN_ALLOWED_ORIGINS.",
    ErrorMessage,
  ),
  413: json('The body is larger than ADMIN_MAX_BODY_BYTES.', ErrorMessage),
  415: json(
    'A body that is not `application/json`.',
    z
      .object({ error: z.string(), expected: z.literal('application/json') })
      .openapi('UnsupportedMediaType'),
  ),
}

/**
 * `createRoute` for an admin route: the admin token's security requirement, and the answers the
 * admin middleware gives before the handler runs, next to the route's own.
 */
export function adminRoute<const R extends RouteConfig>(route: R) {
  const shared = route.method === 'get' ? READ_ANSWERS : WRITE_ANSWERS
  return createRoute({
    ...route,
    security: [{ [ADMIN_SECURITY]: [] }],
    responses: { ...shared, ...route.responses },
  }) as R & { responses: typeof READ_ANSWERS & R['responses'] }
}
