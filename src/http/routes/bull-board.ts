import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { HonoAdapter } from '@bull-board/hono'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Queue } from 'bullmq'
import { Hono } from 'hono'
import type { RedisClient } from '../../redis-client.js'
import type { AppEnv } from '../env.js'
import { redisRequired } from '../middleware/redis-required.js'

export const BULL_BOARD_PATH = '/admin/queues'

/**
 * Bull Board for every queue; mounted behind admin authentication by the app. Answers 503 while
 * `redis` (the queues' connection) is down instead of hanging.
 */
export function bullBoardRoutes(queues: readonly Queue[], redis: RedisClient) {
  const adapter = new HonoAdapter(serveStatic).setBasePath(BULL_BOARD_PATH)
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'marketplace-hub' } },
  })
  const app = new Hono<AppEnv>()
  app.use('*', redisRequired(redis))
  app.route('/', adapter.registerPlugin())
  return app
}
