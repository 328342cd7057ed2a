import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { HonoAdapter } from '@bull-board/hono'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Queue } from 'bullmq'

export const BULL_BOARD_PATH = '/admin/queues'

/** Bull Board for every queue; mounted behind admin authentication by the app. */
export function bullBoardRoutes(queues: readonly Queue[]) {
  const adapter = new HonoAdapter(serveStatic).setBasePath(BULL_BOARD_PATH)
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'marketplace-hub' } },
  })
  return adapter.registerPlugin()
}
