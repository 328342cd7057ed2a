/**
 * TikTok only: no other channel's webhooks say the hub's access is withdrawn or about to lapse.
 *
 * The authorization webhooks (types 6, 7) → `account-authorization` observations.
 *
 * - SELLER_DEAUTHORIZATION (6) → revoked, with TikTok's message.
 * - UPCOMING_AUTHORIZATION_EXPIRATION (7) → expiring, its message followed by the expiry time.
 * Both occur at the webhook timestamp.
 *
 * Docs: https://partner.tiktokshop.com/docv2/page/6-seller-deauthorization,
 * …/7-upcoming-authorization-expiration
 * (mirrored in repo:lazykern/ecommerce-api-docs data/processed/tiktok/guides/webhooks/).
 */
import type {
  SellerDeauthorizationWebhook,
  UpcomingAuthorizationExpirationWebhook,
} from '../../connectors/tiktok-shop/index.js'
import type { NormalizeResult } from '../types.js'
import { done, isoFromUnix } from './shared.js'

export function sellerDeauthorization(webhook: SellerDeauthorizationWebhook): NormalizeResult {
  return done([
    {
      kind: 'account-authorization',
      state: 'revoked',
      occurredAt: isoFromUnix(webhook.timestamp),
      message: webhook.data.message,
    },
  ])
}

export function upcomingExpiration(
  webhook: UpcomingAuthorizationExpirationWebhook,
): NormalizeResult {
  const { message, expiration_time: expiresAt } = webhook.data
  return done([
    {
      kind: 'account-authorization',
      state: 'expiring',
      occurredAt: isoFromUnix(webhook.timestamp),
      // TikTok's message counts days ("expiring in 12 days"); the time itself is only in a field.
      message:
        expiresAt === undefined ? message : `${message} (expires at ${isoFromUnix(expiresAt)})`,
    },
  ])
}
