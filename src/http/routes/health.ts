import { createRoute, z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
import type { RedisClient } from '../../redis-client.js'
import type { Clock } from '../../clock.js'
import {
  EXPIRING_SHOWN_FOR_MS,
  listAccountAlerts,
  type AccountAlert,
} from '../../db/repos/account-alerts.js'
import type { Database } from '../../db/schema.js'
import { errorMessage } from '../../errors.js'
import { withTimeout } from '../../timeout.js'
import { Timestamp, json } from '../api-schemas.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'

const CHECK_TIMEOUT_MS = 2_000

const tags = ['Operations']

const healthz = createRoute({
  method: 'get',
  operationId: 'getHealth',
  path: '/healthz',
  tags,
  summary: 'The process answers',
  responses: { 200: json('Up.', z.object({ status: z.literal('ok') })) },
})

const Readiness = z
  .object({
    status: z.enum(['ready', 'not ready']),
    checks: z.object({
      postgres: z.string().openapi({ description: '`ok`, or why not.' }),
      redis: z.string().openapi({ description: '`ok`, or why not.' }),
    }),
    accounts: z
      .array(
        z.object({
          channel: z.string(),
          account: z.string(),
          alert: z.enum(['needs re-authorization', 'authorization expiring']),
          since: Timestamp,
        }),
      )
      .openapi({
        description:
          'Channel accounts that need re-authorization; they do not make the hub unready.',
      }),
  })
  .openapi('Readiness')

const readyz = createRoute({
  method: 'get',
  operationId: 'getReadiness',
  path: '/readyz',
  tags,
  summary: 'PostgreSQL and Redis are reachable',
  responses: {
    200: json('Ready.', Readiness),
    503: json('Not ready; `checks` says why.', Readiness),
  },
})

/**
 * `/healthz`: the process answers. `/readyz`: it can reach Postgres and Redis; its detail also
 * lists accounts whose channel access was revoked or is expiring. Those do not make the hub
 * unready: one shop's lapsed authorization must not take webhook intake down for every other.
 * The detail names channel, account and kind only; the channel's message is in the log.
 */
export function healthRoutes(deps: {
  readonly db: Kysely<Database>
  readonly redis: RedisClient
  readonly clock: Clock
}) {
  const app = openApiRoutes()
  app.openapi(healthz, (c) => jsonAnswers(healthz)(c, { status: 'ok' }, 200))
  app.openapi(readyz, async (c) => {
    let alerts: AccountAlert[] = []
    const since = new Date(deps.clock.now().getTime() - EXPIRING_SHOWN_FOR_MS)
    const [postgres, redis] = await Promise.all([
      check(async () => (alerts = await listAccountAlerts(deps.db, since))),
      // A connection that is not ready answers nothing: say so now rather than wait for a PING.
      check(() =>
        deps.redis.status === 'ready'
          ? deps.redis.ping()
          : Promise.reject(new Error(`unreachable (connection ${deps.redis.status})`)),
      ),
    ])
    const ready = postgres === 'ok' && redis === 'ok'
    const accounts = alerts.map((a) => ({
      channel: a.channel,
      account: a.accountId,
      alert:
        a.kind === 'revoked'
          ? ('needs re-authorization' as const)
          : ('authorization expiring' as const),
      since: a.occurredAt.toISOString(),
    }))
    return jsonAnswers(readyz)(
      c,
      { status: ready ? 'ready' : 'not ready', checks: { postgres, redis }, accounts },
      ready ? 200 : 503,
    )
  })
  return app
}

async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await withTimeout(probe(), CHECK_TIMEOUT_MS, 'the server')
    return 'ok'
  } catch (err) {
    return errorMessage(err)
  }
}
