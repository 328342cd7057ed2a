import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Deps } from '../deps.js'
import { adminAuth } from './middleware/admin-auth.js'
import { auditLog } from './middleware/audit.js'
import { requestId } from './middleware/request-id.js'
import { adminInboxRoutes } from './routes/admin-inbox.js'
import { adminReplayRoutes } from './routes/admin-replays.js'
import { auditRoutes } from './routes/audit.js'
import { BULL_BOARD_PATH, bullBoardRoutes } from './routes/bull-board.js'
import { eventRoutes } from './routes/events.js'
import { healthRoutes } from './routes/health.js'
import { inventoryRoutes } from './routes/inventory.js'
import { listingRoutes, reconcileRoutes } from './routes/listings.js'
import { metricsRoutes } from './routes/metrics.js'
import { subscriptionRoutes } from './routes/subscriptions.js'
import { webhookRoutes } from './routes/webhooks.js'
import type { AppEnv } from './env.js'

export type AppDeps = Pick<
  Deps,
  | 'config'
  | 'log'
  | 'db'
  | 'redis'
  | 'queues'
  | 'accounts'
  | 'intake'
  | 'clock'
  | 'certificates'
  | 'metrics'
>

/** Builds the HTTP app. Never listens: `server.ts` does, and tests call `app.request()`. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use('*', requestId(deps.log))

  app.route('/', healthRoutes({ db: deps.db, redis: deps.redis.producer, clock: deps.clock }))
  app.route('/', metricsRoutes(deps.metrics, deps.log))
  app.route('/webhooks', webhookRoutes(deps, deps.config.http))

  const admin = adminAuth(deps.config.admin.token)
  const audit = auditLog(deps.db)
  for (const path of ['/v1/*', `${BULL_BOARD_PATH}/*`, BULL_BOARD_PATH, '/admin/reconcile']) {
    app.use(path, admin)
    app.use(path, audit)
  }
  app.route('/v1/subscriptions', subscriptionRoutes(deps))
  app.route('/v1/events', eventRoutes(deps))
  app.route('/v1/inventory', inventoryRoutes(deps))
  app.route('/v1/listings', listingRoutes(deps))
  app.route('/admin/reconcile', reconcileRoutes(deps))
  app.route('/v1/admin/audit', auditRoutes(deps))
  app.route('/v1/admin/inbox', adminInboxRoutes(deps))
  app.route('/v1/admin/replays', adminReplayRoutes(deps))
  app.route(BULL_BOARD_PATH, bullBoardRoutes(deps.queues.all, deps.redis.producer))

  app.notFound((c) => c.json({ error: 'not found' }, 404))
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse()
    c.get('log').error({ err }, 'unhandled error')
    return c.json({ error: 'internal error', requestId: c.get('requestId') }, 500)
  })
  return app
}
