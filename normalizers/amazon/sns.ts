/**
 * Amazon only: no other channel delivers through a subscription the hub must first confirm.
 *
 * SNS's own messages (an SNS HTTPS subscription, channels.md §2 A1 (b)).
 *
 * - SNS_SUBSCRIPTION_CONFIRMATION: SNS sends nothing until the subscription is confirmed by a GET
 *   of `SubscribeURL`. The URL must be https on an SNS service host (`isSnsServiceUrl`), or the
 *   message is `invalid`: the hub is never asked to fetch a URL a sender chose. Otherwise the answer
 *   is `hydrate` with a `confirm-subscription` need (the pipeline makes the GET once); with the
 *   response body (ConfirmSubscriptionResponse XML), one `subscription-confirmed` observation:
 *   topic = TopicArn, subscriptionId = the `<SubscriptionArn>` of the response (null when it has
 *   none), at the message's Timestamp.
 * - SNS_UNSUBSCRIBE_CONFIRMATION: `ignored`: the subscription is already gone, and resubscribing
 *   is an operator's decision.
 *
 * Docs: https://docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html,
 * https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html (response elements)
 */
import { hydrationKey, type HydrationNeed } from '../../connectors/index.js'
import {
  isSnsServiceUrl,
  SnsSubscriptionConfirmation,
  unwrapAmazon,
} from '../../connectors/amazon/index.js'
import type { NormalizeInput, NormalizeResult } from '../types.js'
import { done, invalid } from './shared.js'

const SUBSCRIPTION_ARN = /<SubscriptionArn>\s*([^<\s]+)\s*<\/SubscriptionArn>/

/** The SubscriptionArn of a ConfirmSubscriptionResponse; null when the text has none. */
export function subscriptionArn(responseBody: string): string | null {
  return SUBSCRIPTION_ARN.exec(responseBody)?.[1] ?? null
}

export function subscriptionConfirmation(input: NormalizeInput): NormalizeResult {
  const envelope = unwrapAmazon(input.body)
  if (envelope?.transport !== 'sns') {
    return { kind: 'invalid', issues: ['(body): not an SNS message'] }
  }
  const parsed = SnsSubscriptionConfirmation.safeParse(envelope.sns)
  if (!parsed.success) return invalid(parsed.error.issues)
  const message = parsed.data
  if (!isSnsServiceUrl(message.SubscribeURL)) {
    return {
      kind: 'invalid',
      issues: ['SubscribeURL: not an https URL on an SNS service host; it is never followed'],
    }
  }
  const need: HydrationNeed = { kind: 'confirm-subscription', id: message.SubscribeURL }
  const key = hydrationKey(need)
  const response = input.hydrated?.[key]
  if (response === undefined) return { kind: 'hydrate', needs: [need] }
  if (typeof response !== 'string') {
    return {
      kind: 'invalid',
      issues: [`hydrated.${key}: expected the confirmation's response body as text`],
    }
  }
  return done([
    {
      kind: 'subscription-confirmed',
      occurredAt: message.Timestamp,
      topic: message.TopicArn,
      subscriptionId: subscriptionArn(response),
    },
  ])
}
