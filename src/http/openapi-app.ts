import { OpenAPIHono, type RouteConfig, type z } from '@hono/zod-openapi'
import type { Context, TypedResponse } from 'hono'
import type { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { JSONParsed } from 'hono/utils/types'
import { formatIssues } from '../issues.js'
import { UNSTORABLE_TEXT, pathText, unstorableTextPath } from '../storable.js'
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
 * `{ error: 'invalid request', problems: ['<where>.<field>: <why>'] }`. `E` adds the variables
 * a router's own middleware sets.
 */
export function openApiRoutes<E extends AppEnv = AppEnv>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({ defaultHook: refuseInvalid })
}

/**
 * The validators' hook: a 400 naming every bad field. Every string of a JSON body, whatever its
 * schema says, is also checked for text PostgreSQL cannot store (U+0000 is valid JSON, but `text`
 * and `jsonb` refuse it: src/storable.ts), and that problem comes first.
 */
function refuseInvalid(
  result: { target: string } & (
    { success: true; data: unknown } | { success: false; error: z.ZodError }
  ),
): void {
  const prefix = TARGET_PREFIX[result.target] ?? result.target
  // @hono/zod-validator hands the hook the value it validated as `data` on failure too.
  const data = (result as { data?: unknown }).data
  const unstorable = result.target === 'json' ? unstorableTextPath(data) : undefined
  const problems = [
    ...(unstorable ? [`${pathText(prefix, unstorable)}: ${UNSTORABLE_TEXT}`] : []),
    ...(result.success ? [] : formatIssues(result.error, prefix)),
  ]
  if (problems.length > 0) throw badRequest(problems)
}

/**
 * What hono's validator throws for a body that does not parse as JSON
 * (https://github.com/honojs/hono/blob/v4.13.19/src/validator/validator.ts).
 */
const MALFORMED_JSON = 'Malformed JSON in request body'

/**
 * The answer for an HTTPException, for the app's error handler. The hub's own carry their
 * response; the few hono and @hono/zod-openapi throw bare (a body that is not JSON, a media type
 * a route does not take) get the hub's JSON shapes instead of hono's plain text.
 */
export function httpExceptionResponse(err: HTTPException): Response {
  if (err.res) return err.getResponse()
  if (err.status === 400 && err.message === MALFORMED_JSON)
    return badRequest(['body: not valid JSON']).getResponse()
  return Response.json({ error: err.message }, { status: err.status })
}

/** The statuses a route documents a JSON answer for. */
type JsonStatus<R extends RouteConfig> = {
  [S in keyof R['responses']]: R['responses'][S] extends {
    content: { 'application/json': { schema: z.ZodType } }
  }
    ? S
    : never
}[keyof R['responses']] &
  ContentfulStatusCode

/** The schema a route documents a JSON answer with for `status`. */
type JsonSchemaOf<R extends RouteConfig, S> = S extends keyof R['responses']
  ? R['responses'][S] extends {
      content: { 'application/json': { schema: infer Z extends z.ZodType } }
    }
    ? Z
    : never
  : never

/** A view built from read-only domain values is as good as a mutable one. */
type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T

/**
 * `c.json(body, status)` for one route, with the body typed from the schema the route documents
 * for that status. @hono/zod-openapi checks a handler's `c.json` against the response schemas,
 * but structurally: a body with a field the schema lacks still compiles, and the document would
 * be silently short of it. Passing the body where its type is known makes that a compile error
 * (TypeScript's excess property check), nested objects included.
 */
export function jsonAnswers<R extends RouteConfig>(_route: R) {
  return <S extends JsonStatus<R>>(
    c: Context,
    body: DeepReadonly<z.output<JsonSchemaOf<R, S>>>,
    status: S,
  ): Response & TypedResponse<JSONParsed<z.output<JsonSchemaOf<R, S>>>, S, 'json'> =>
    // Typed as the route's own answer (above), which c.json's inference cannot see through.
    c.json(body, status) as never
}
