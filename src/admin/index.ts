export { InboxFilter, INBOX_ID, toSearchFilter } from './inbox-filter.js'
export { replayInboxMessage, type ReplayedMessage } from './replay-message.js'
export { previewReplay, type EventComparison, type MessagePreview } from './replay-preview.js'
export {
  cancelReplay,
  createReplayRun,
  processReplayRun,
  replayRunView,
  resumeReplayRuns,
  type ProcessOptions,
} from './replay-run.js'
export { messageSummary, showInboxMessage } from './show-message.js'
