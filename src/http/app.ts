import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { CONSOLE_PATH, consoleRoutes } from '../console/index.js'
import type { Deps } from '../deps.js'
import { redisFailureLimit } from './auth-failure-limit.js'
import { adminAuth } from './middleware/admin-auth.js'
import { adminWriteGuard } from './middleware/admin-write-guard.js'
import { auditLog } from './middleware/audit.js'
import { requestId } from './middleware/request-id.js'
import { storableInput } from './middleware/storable-input.js'
import { httpExceptionResponse, openApiRoutes } from './openapi-app.js'
import { openApiDocument } from './openapi-document.js'
import { adminAccountRoutes } from './routes/admin-accounts.js'
import { adminInboxRoutes } from './routes/admin-inbox.js'
import { adminOrderSyncRoutes } from './routes/admin-order-sync.js'
import { adminReplayRoutes } from './routes/admin-replays.js'
import { adminErasureRoutes } from './routes/admin-erasures.js'
import { apiDocRoutes } from './routes/api-docs.js'
import { auditRoutes } from './routes/audit.js'
import { BULL_BOARD_PATH, bullBoardRoutes } from './routes/bull-board.js'
import { eventSchemaRoutes } from './routes/event-schemas.js'
import { consumerRoutes } from './routes/consumers.js'
import { eventRoutes } from './routes/events.js'
import { healthRoutes } from './routes/health.js'
import { inventoryRoutes } from './routes/inventory.js'
import { orderHistoryRoutes, skuHistoryRoutes } from './routes/lineage.js'
import { listingRoutes, reconcileRoutes } from './routes/listings.js'
import { metricsRoutes } from './routes/metrics.js'
import { subscriptionDeliveryRoutes } from './routes/subscription-deliveries.js'
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
  | 'stockCounter'
  | 'streams'
  | 'tracing'
>

/** Builds the HTTP app. Never listens: `server.ts` does, and tests call `app.request()`. */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  // An OpenAPIHono, so that the routes mounted below bring their OpenAPI definitions with them.
  const app = openApiRoutes()
  app.use('*', requestId(deps.log))

  app.route('/', healthRoutes({ db: deps.db, redis: deps.redis.producer, clock: deps.clock }))
  app.route('/', metricsRoutes(deps.metrics, deps.log))
  // Public, so mounted before the /v1 middleware; the document is built on its first request.
  app.route(
    '/',
    apiDocRoutes(() => openApiDocument(app)),
  )
  const tokenFailures = redisFailureLimit(deps.redis.producer, {
    keyPrefix: `${deps.config.queues.prefix}:auth-failures:webhook-token`,
    ...deps.config.authFailures,
  })
  app.route('/webhooks', webhookRoutes(deps, { ...deps.config.http, tokenFailures }))
  // Before the /v1/* admin middleware below, so it never runs for them: every event's
  // `dataschema` points here, and a consumer or a schema registry fetches it without a token.
  app.route('/v1/schemas', eventSchemaRoutes(deps))

  const { admin: settings, queues } = deps.config
  const counters = deps.metrics.admin
  // Forged browser writes are refused first, so they never count as failed authentications.
  const writeGuard = adminWriteGuard({ allowedOrigins: settings.allowedOrigins, counters })
  const formGuard = adminWriteGuard({
    allowedOrigins: settings.allowedOrigins,
    counters,
    forms: true,
  })
  const failures = redisFailureLimit(deps.redis.producer, {
    keyPrefix: `${queues.prefix}:auth-failures:admin`,
    ...deps.config.authFailures,
  })
  const auth = (allowBasic: boolean) =>
    adminAuth({ token: settings.token, allowBasic, failures, counters })
  const audit = auditLog(deps.db)
  const storable = storableInput()
  const maxBody = deps.config.http.adminMaxBodyBytes
  // Before the audit middleware, which reads the body: no admin body is read past the cap.
  const bounded = bodyLimit({
    maxSize: maxBody,
    onError: (c) => {
      deps.log.warn(
        { maxBytes: maxBody, path: c.req.path },
        'admin request refused: body too large',
      )
      return c.json({ error: `body larger than ${maxBody} bytes (ADMIN_MAX_BODY_BYTES)` }, 413)
    },
  })
  const surfaces = [
    { paths: ['/v1/*'], guard: writeGuard, auth: auth(false) },
    // `/admin/queues/*` matches `/admin/queues` too; listing both ran everything twice.
    { paths: [`${BULL_BOARD_PATH}/*`], guard: writeGuard, auth: auth(true) },
    // The console's pages are for a browser (Basic), its forms post from its own pages only.
    { paths: [`${CONSOLE_PATH}/*`], guard: formGuard, auth: auth(true) },
  ]
  for (const surface of surfaces) {
    for (const path of surface.paths) {
      app.use(path, surface.guard)
      app.use(path, surface.auth)
      app.use(path, bounded)
      app.use(path, audit)
      app.use(path, storable)
    }
  }
  app.route('/v1/subscriptions', subscriptionRoutes(deps))
  app.route('/v1/subscriptions', subscriptionDeliveryRoutes(deps))
  app.route('/v1/events', eventRoutes(deps))
  app.route('/v1/consumers', consumerRoutes(deps))
  app.route('/v1/inventory', inventoryRoutes(deps))
  app.route('/v1/listings', listingRoutes(deps))
  app.route('/v1/admin/reconcile', reconcileRoutes(deps))
  app.all('/admin/reconcile', (c) => movedPermanently(c, '/v1/admin/reconcile'))
  app.route('/v1/admin/audit', auditRoutes(deps))
  app.route('/v1/admin/inbox', adminInboxRoutes(deps))
  app.route('/v1/admin/replays', adminReplayRoutes(deps))
  app.route('/v1/admin/erasures', adminErasureRoutes(deps))
  app.route('/v1/admin/accounts', adminAccountRoutes(deps))
  app.route('/v1/admin/order-sync', adminOrderSyncRoutes(deps))
  app.route('/v1/admin/orders', orderHistoryRoutes(deps))
  app.route('/v1/admin/inventory', skuHistoryRoutes(deps))
  app.route(BULL_BOARD_PATH, bullBoardRoutes(deps.queues.all, deps.redis.producer))
  app.route(CONSOLE_PATH, consoleRoutes(deps))

  app.notFound((c) => c.json({ error: 'not found' }, 404))
  app.onError((err, c) => {
    if (err instanceof HTTPException) return httpExceptionResponse(err)
    c.get('log').error({ err }, 'unhandled error')
    return c.json({ error: 'internal error', requestId: c.get('requestId') }, 500)
  })
  return app
}

/**
 * The old path of a moved admin route, kept for one version: 308 keeps the method and the body
 * (https://www.rfc-editor.org/rfc/rfc9110#name-308-permanent-redirect), so a client that follows
 * redirects still POSTs; authentication and the audit entry happen at the new path.
 */
function movedPermanently(c: Context<AppEnv>, to: string) {
  c.header('location', to)
  return c.json({ error: `moved to ${to}; this path goes away in the next version` }, 308)
}
