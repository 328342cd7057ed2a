import type { Migration } from 'kysely'
import * as inboxMessage from './2026-11-22T0900_inbox-message.js'
import * as salesOrder from './2026-11-22T0910_sales-order.js'
import * as outboxAndFeed from './2026-11-22T0920_outbox-and-feed.js'
import * as subscriptionAndDelivery from './2026-11-22T0930_subscription-and-delivery.js'
import * as outboxEnvelopeAsJson from './2026-11-22T0940_outbox-envelope-as-json.js'
import * as hotPath from './2026-11-22T0950_hot-path.js'
import * as accountAlert from './2026-11-22T0960_account-alert.js'
import * as webhookToken from './2026-11-22T0970_webhook-token.js'
import * as channelSubscription from './2026-11-22T0980_channel-subscription.js'
import * as inventoryLedger from './2026-11-22T0990_inventory-ledger.js'
import * as inboxSearchAndReplay from './2026-11-22T1000_inbox-search-and-replay.js'
import * as subscriptionPause from './2026-11-22T1010_subscription-pause.js'
import * as auditLog from './2026-11-22T1020_audit-log.js'
import * as inventoryChange from './2026-11-22T1030_inventory-change.js'
import * as reservationDeltas from './2026-12-02T0900_reservation-deltas.js'
import * as leanHotTables from './2026-12-02T0910_lean-hot-tables.js'
import * as allocation from './2026-12-02T0920_allocation.js'
import * as accountOnboarding from './2026-12-02T0940_account-onboarding.js'
import * as stockLocations from './2026-12-02T0930_stock-locations.js'
import * as orderSync from './2026-12-03T0900_order-sync.js'
import * as subscriptionContentMode from './2026-12-04T0910_subscription-content-mode.js'
import * as consumer from './2026-12-04T0920_consumer.js'
import * as traceContext from './2026-12-04T0930_trace-context.js'
import * as lineage from './2026-12-04T0940_lineage.js'
import * as deliveryAttemptFailures from './2026-12-04T0950_delivery-attempt-failures.js'
import * as backlogSample from './2026-12-04T0960_backlog-sample.js'
import * as timePartitions from './2026-12-04T1000_time-partitions.js'
import * as personalData from './2026-12-04T1100_personal-data.js'

/**
 * Every migration, by name. Listed statically (instead of read from the folder) so the same code
 * runs from TypeScript sources and from the compiled build. Append; never edit a merged one.
 * Database functions the app calls are not here: each has one file in ../functions/, installed
 * after the migrations.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026-11-22T0900_inbox-message': inboxMessage,
  '2026-11-22T0910_sales-order': salesOrder,
  '2026-11-22T0920_outbox-and-feed': outboxAndFeed,
  '2026-11-22T0930_subscription-and-delivery': subscriptionAndDelivery,
  '2026-11-22T0940_outbox-envelope-as-json': outboxEnvelopeAsJson,
  '2026-11-22T0950_hot-path': hotPath,
  '2026-11-22T0960_account-alert': accountAlert,
  '2026-11-22T0970_webhook-token': webhookToken,
  '2026-11-22T0980_channel-subscription': channelSubscription,
  '2026-11-22T0990_inventory-ledger': inventoryLedger,
  '2026-11-22T1000_inbox-search-and-replay': inboxSearchAndReplay,
  '2026-11-22T1010_subscription-pause': subscriptionPause,
  '2026-11-22T1020_audit-log': auditLog,
  '2026-11-22T1030_inventory-change': inventoryChange,
  '2026-12-02T0900_reservation-deltas': reservationDeltas,
  '2026-12-02T0910_lean-hot-tables': leanHotTables,
  '2026-12-02T0920_allocation': allocation,
  '2026-12-02T0940_account-onboarding': accountOnboarding,
  '2026-12-02T0930_stock-locations': stockLocations,
  '2026-12-03T0900_order-sync': orderSync,
  '2026-12-04T0910_subscription-content-mode': subscriptionContentMode,
  '2026-12-04T0920_consumer': consumer,
  '2026-12-04T0930_trace-context': traceContext,
  '2026-12-04T0940_lineage': lineage,
  '2026-12-04T0950_delivery-attempt-failures': deliveryAttemptFailures,
  '2026-12-04T0960_backlog-sample': backlogSample,
  '2026-12-04T1000_time-partitions': timePartitions,
  '2026-12-04T1100_personal-data': personalData,
}
