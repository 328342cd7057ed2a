export { InboxFilter, INBOX_ID, toSearchFilter } from './inbox-filter.js'
export { RedactedMessageError, replayInboxMessage, type ReplayedMessage } from './replay-message.js'
export {
  predictReplay,
  previewReplay,
  type MessagePrediction,
  type PredictedEvent,
} from './replay-preview.js'
export {
  cancelReplay,
  createReplayRun,
  processReplayRun,
  replayRunView,
  resumeReplayRuns,
  type ProcessOptions,
} from './replay-run.js'
export { messageSummary, showInboxMessage } from './show-message.js'
export { emailHash, eraseBuyer, type ErasureRequest, type ErasureResult } from './erasure.js'
export { filterOutsideWindow, messageOutsideWindow, replayWindowStart } from './replay-window.js'
