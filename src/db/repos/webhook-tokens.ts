import type { Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database } from '../schema.js'

export interface WebhookTokenRow {
  readonly tokenHash: Buffer
  readonly channel: ChannelId
  readonly accountId: string
  readonly clientId: string
  readonly issuedAt: Date
  readonly expiresAt: Date
}

/**
 * Stores a newly issued token and, in the same transaction, forgets tokens that
 * expired more than a day ago, so the table stays as small as the tokens in use.
 */
export async function storeWebhookToken(db: Kysely<Database>, row: WebhookTokenRow): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_token')
      .values({
        token_hash: row.tokenHash,
        channel: row.channel,
        account_id: row.accountId,
        client_id: row.clientId,
        issued_at: row.issuedAt,
        expires_at: row.expiresAt,
      })
      .execute()
    await trx
      .deleteFrom('webhook_token')
      .where('expires_at', '<', new Date(row.issuedAt.getTime() - 86_400_000))
      .execute()
  })
}

/** The expiry of a token issued to this account, or undefined if the hub never issued it. */
export async function findWebhookTokenExpiry(
  db: Kysely<Database>,
  channel: ChannelId,
  accountId: string,
  tokenHash: Buffer,
): Promise<Date | undefined> {
  const row = await db
    .selectFrom('webhook_token')
    .select('expires_at')
    .where('token_hash', '=', tokenHash)
    .where('channel', '=', channel)
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  return row?.expires_at
}
