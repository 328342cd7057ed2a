import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import { findWebhookTokenExpiry, storeWebhookToken } from '../db/repos/webhook-tokens.js'
import type { Database } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'
import type { IssuedToken } from '../../connectors/index.js'
import type { AccountDirectory } from '../config/account-directory.js'

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest()

/** The token as the hub issued it to this account, with its expiry; undefined if it never did. */
export async function lookupIssuedToken(
  db: Kysely<Database>,
  channel: ChannelId,
  accountId: string,
  token: string,
): Promise<IssuedToken | undefined> {
  const expiresAt = await findWebhookTokenExpiry(db, channel, accountId, sha256(token))
  return expiresAt && { token, expiresAt }
}

export type TokenRequestOutcome =
  | { readonly kind: 'issued'; readonly accessToken: string; readonly expiresInSeconds: number }
  /** No such account, or it does not use hub-issued tokens. */
  | { readonly kind: 'not-found' }
  /** RFC 6749 §5.2 `invalid_client`: missing or wrong client credentials. */
  | { readonly kind: 'invalid-client' }
  /** RFC 6749 §5.2 `invalid_request` / `unsupported_grant_type`. */
  | { readonly kind: 'invalid-request'; readonly error: string; readonly description: string }
  | { readonly kind: 'unavailable'; readonly cause: unknown }

export interface TokenRequestDeps {
  readonly db: Kysely<Database>
  readonly accounts: AccountDirectory
  readonly clock: Clock
}

/**
 * The OAuth 2.0 client credentials grant (RFC 6749 §4.4) for a channel's webhooks: the client
 * authenticates with HTTP Basic (Walmart sends it in the subscription's `authHeaderName`, which
 * may be another header than `Authorization`), the form body says `grant_type=client_credentials`,
 * and the answer is a random opaque token that only this account's webhooks accept until it
 * expires. Only its SHA-256 is stored.
 */
export async function issueWebhookToken(
  deps: TokenRequestDeps,
  input: {
    readonly channel: ChannelId
    readonly accountId: string
    readonly headers: Readonly<Record<string, string>>
    readonly form: string
  },
): Promise<TokenRequestOutcome> {
  const found = deps.accounts.find(input.channel, input.accountId)
  const issuance = found?.connector.ingress.tokenIssuance?.(found.account.credentials)
  if (!issuance) return { kind: 'not-found' }
  const client = authenticateClient(issuance.clients, basicCredentials(input.headers))
  if (!client) return { kind: 'invalid-client' }
  const grantType = new URLSearchParams(input.form).get('grant_type')
  if (grantType !== 'client_credentials') {
    return grantType === null
      ? { kind: 'invalid-request', error: 'invalid_request', description: 'grant_type is required' }
      : {
          kind: 'invalid-request',
          error: 'unsupported_grant_type',
          description: 'only client_credentials is supported',
        }
  }
  const accessToken = randomBytes(32).toString('base64url')
  const issuedAt = deps.clock.now()
  try {
    await storeWebhookToken(deps.db, {
      tokenHash: sha256(accessToken),
      channel: input.channel,
      accountId: input.accountId,
      clientId: client,
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + issuance.ttlSeconds * 1000),
    })
  } catch (cause) {
    return { kind: 'unavailable', cause }
  }
  return { kind: 'issued', accessToken, expiresInSeconds: issuance.ttlSeconds }
}

/** Every `Basic` credential among the request's headers (the configured header name varies). */
function basicCredentials(headers: Readonly<Record<string, string>>): string[] {
  return Object.values(headers).flatMap((value) => {
    const match = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(value.trim())
    return match?.[1] ? [Buffer.from(match[1], 'base64').toString('utf8')] : []
  })
}

/** The id of the configured client whose `id:secret` was presented; every pair is compared. */
function authenticateClient(
  clients: ReadonlyArray<{ readonly clientId: string; readonly clientSecret: string }>,
  presented: readonly string[],
): string | undefined {
  let matched: string | undefined
  for (const client of clients) {
    const expected = sha256(`${client.clientId}:${client.clientSecret}`)
    for (const candidate of presented) {
      if (timingSafeEqual(expected, sha256(candidate))) matched = client.clientId
    }
  }
  return matched
}
