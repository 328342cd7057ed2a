import type { Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database } from '../schema.js'

/** Records that the hub confirmed a subscription; a later confirmation of the topic replaces it. */
export async function recordSubscriptionConfirmed(
  trx: Kysely<Database>,
  row: {
    readonly channel: ChannelId
    readonly accountId: string
    readonly topic: string
    readonly subscriptionId: string | null
    readonly confirmedAt: Date
    readonly inboxId: string
  },
): Promise<void> {
  await trx
    .insertInto('channel_subscription')
    .values({
      channel: row.channel,
      account_id: row.accountId,
      topic: row.topic,
      subscription_id: row.subscriptionId,
      confirmed_at: row.confirmedAt,
      inbox_id: row.inboxId,
    })
    .onConflict((oc) =>
      oc.columns(['channel', 'account_id', 'topic']).doUpdateSet((eb) => ({
        subscription_id: eb.ref('excluded.subscription_id'),
        confirmed_at: eb.ref('excluded.confirmed_at'),
        inbox_id: eb.ref('excluded.inbox_id'),
      })),
    )
    .execute()
}
