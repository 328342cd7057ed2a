import type { Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { AccountAlertKind, Database } from '../schema.js'

/** An expiry warning not repeated for this long is over (TikTok repeats it daily). */
export const EXPIRING_SHOWN_FOR_MS = 48 * 3_600_000

export interface AccountAlert {
  readonly channel: ChannelId
  readonly accountId: string
  readonly kind: AccountAlertKind
  readonly message: string
  readonly occurredAt: Date
}

/** Records an alert, keeping the newer of it and the stored one of the same kind. */
export async function raiseAccountAlert(
  trx: Kysely<Database>,
  alert: AccountAlert,
  inboxId: string,
): Promise<void> {
  await trx
    .insertInto('account_alert')
    .values({
      channel: alert.channel,
      account_id: alert.accountId,
      kind: alert.kind,
      message: alert.message,
      occurred_at: alert.occurredAt,
      inbox_id: inboxId,
    })
    .onConflict((oc) =>
      oc
        .columns(['channel', 'account_id', 'kind'])
        .doUpdateSet((eb) => ({
          message: eb.ref('excluded.message'),
          occurred_at: eb.ref('excluded.occurred_at'),
          inbox_id: eb.ref('excluded.inbox_id'),
        }))
        .where('account_alert.occurred_at', '<', (eb) => eb.ref('excluded.occurred_at')),
    )
    .execute()
}

/**
 * Clears a `revoked` alert raised before `before`: the account's credentials worked since, so the
 * seller has authorized the app again.
 */
export async function clearRevokedAlert(
  db: Kysely<Database>,
  channel: ChannelId,
  accountId: string,
  before: Date,
): Promise<void> {
  await db
    .deleteFrom('account_alert')
    .where('channel', '=', channel)
    .where('account_id', '=', accountId)
    .where('kind', '=', 'revoked')
    .where('occurred_at', '<', before)
    .execute()
}

/**
 * Alerts an operator should see: every `revoked` one, and `expiring` ones raised since
 * `expiringSince` (TikTok repeats the expiry warning daily, so one that has stopped repeating
 * means the seller renewed).
 */
export async function listAccountAlerts(
  db: Kysely<Database>,
  expiringSince: Date,
): Promise<AccountAlert[]> {
  const rows = await db
    .selectFrom('account_alert')
    .select(['channel', 'account_id', 'kind', 'message', 'occurred_at'])
    .where((eb) => eb.or([eb('kind', '=', 'revoked'), eb('occurred_at', '>=', expiringSince)]))
    .orderBy('channel')
    .orderBy('account_id')
    .orderBy('kind')
    .execute()
  return rows.map((r) => ({
    channel: r.channel,
    accountId: r.account_id,
    kind: r.kind,
    message: r.message,
    occurredAt: r.occurred_at,
  }))
}
