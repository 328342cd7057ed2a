import { Hono } from 'hono'
import { sql, type Kysely } from 'kysely'
import type { Redis } from 'ioredis'
import type { Database } from '../../db/schema.js'
import { errorMessage } from '../../errors.js'
import { withTimeout } from '../../timeout.js'
import type { AppEnv } from '../env.js'

const CHECK_TIMEOUT_MS = 2_000

/** `/healthz`: the process answers. `/readyz`: it can reach Postgres and Redis. */
export function healthRoutes(deps: { readonly db: Kysely<Database>; readonly redis: Redis }) {
  const app = new Hono<AppEnv>()
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    const [postgres, redis] = await Promise.all([
      check(() => sql`select 1`.execute(deps.db)),
      check(() => deps.redis.ping()),
    ])
    const ready = postgres === 'ok' && redis === 'ok'
    return c.json(
      { status: ready ? 'ready' : 'not ready', checks: { postgres, redis } },
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
