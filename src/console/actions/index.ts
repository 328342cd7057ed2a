import type { ConsoleAction } from './action.js'
import { reconcileSku } from './reconcile-sku.js'
import { replayFilter } from './replay-filter.js'
import { replayMessage } from './replay-message.js'
import { retryPush } from './retry-push.js'
import { pauseSubscriptionAction, resumeSubscriptionAction } from './subscription-pause.js'

/** Every console action by its name (the `/console/actions/<name>` of its forms). */
export const CONSOLE_ACTIONS: ReadonlyMap<string, ConsoleAction<unknown>> = new Map(
  [
    replayMessage,
    replayFilter,
    pauseSubscriptionAction,
    resumeSubscriptionAction,
    reconcileSku,
    retryPush,
  ].map((a) => [a.name, a]),
)

export type { ConsoleAction, FormValues } from './action.js'
