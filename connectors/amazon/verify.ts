/**
 * Amazon SP-API notification verification. SP-API signs nothing itself; what is checked depends
 * on how the notification came (channels.md §2 A1–A2):
 *
 * - EventBridge API destination or Pipes (`eventbridge` / `bare` envelopes): the static credential
 *   the connection adds (API key, Basic or bearer value), compared in constant time against every
 *   configured value; an EventBridge envelope's `account` and `source` must match the
 *   configuration where it sets them.
 * - SNS HTTPS subscription (`sns`): the RSA signature (SignatureVersion 1 or 2) with the
 *   certificate from `SigningCertURL`, which is fetched only after the host checks in sns.ts;
 *   the `TopicArn` must be one the account lists.
 *
 * The dedupe key is `NotificationMetadata.NotificationId` (either case); an SNS confirmation's is
 * its MessageId.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { bodyDigestKey, readJsonObject, UNREADABLE_TOPIC } from '../shared/body.js'
import type { InboundRequest, VerifyContext, VerifyOutcome } from '../types.js'
import type { AmazonCredentials, StaticCredential } from './config.js'
import {
  eventTime,
  notificationId,
  notificationType,
  unwrapAmazon,
  type AmazonEnvelope,
  type EventBridgeEvent,
} from './envelope.js'
import { isSigningCertUrl, verifySnsSignature } from './sns.js'

/** Inbox topics of SNS's own messages, which carry no notification. */
export const SNS_TOPICS = {
  SubscriptionConfirmation: 'SNS_SUBSCRIPTION_CONFIRMATION',
  UnsubscribeConfirmation: 'SNS_UNSUBSCRIBE_CONFIRMATION',
} as const

type Json = Readonly<Record<string, unknown>>

/** Sent by SNS with every HTTP/S delivery (https://docs.aws.amazon.com/sns/latest/dg/http-header.html). */
const SNS_TYPE_HEADER = 'x-amz-sns-message-type'

export function verifyAmazon(
  req: InboundRequest,
  ctx: VerifyContext<AmazonCredentials>,
): VerifyOutcome {
  const snsType = req.headers[SNS_TYPE_HEADER]?.trim()
  if (snsType) {
    // SNS signs the body itself, so it is read first; SNS always names the message type in a
    // header, which must agree with the signed body. One that is no signed SNS message (altered
    // or cut) fails its signature.
    const body = readJsonObject(req.rawBody)
    const envelope = body && unwrapAmazon(body)
    if (envelope?.transport !== 'sns') return { ok: false, reason: 'bad-signature' }
    if (snsType !== envelope.snsType) return { ok: false, reason: 'malformed' }
    return verifySns(envelope, ctx)
  }
  // The static credential is checked before the body is parsed: an unauthenticated request costs
  // a header comparison, whatever its body holds.
  const { staticHeader } = ctx.credentials
  const presented = staticHeader && req.headers[staticHeader.name]?.trim()
  if (!staticHeader || !presented) return { ok: false, reason: 'missing-header' }
  if (!staticCredentialMatches(staticHeader.values, presented)) {
    return { ok: false, reason: 'bad-signature' }
  }
  const body = readJsonObject(req.rawBody)
  const envelope = body && unwrapAmazon(body)
  // An SNS message without SNS's header is not as SNS sends it.
  if (envelope?.transport === 'sns') return { ok: false, reason: 'missing-header' }
  if (!envelope) {
    // Authenticated but unreadable: kept, so the inbox shows it as failed and it can be replayed.
    return { ok: true, dedupeKey: bodyDigestKey(req.rawBody), topic: UNREADABLE_TOPIC }
  }
  const eventBridge = envelope.transport === 'eventbridge' ? envelope.eventBridge : undefined
  if (eventBridge && !eventBridgeMatches(eventBridge, ctx.credentials)) {
    return { ok: false, reason: 'account-mismatch' }
  }
  return accepted(envelope.notification, eventBridge, bodyDigestKey(req.rawBody))
}

/** The certificate to fetch for an SNS message to a listed topic; nothing for anything else. */
export function amazonCertificateUrl(
  req: InboundRequest,
  credentials: AmazonCredentials,
): string | undefined {
  // Only SNS deliveries carry this header (and verify refuses an SNS body without it), so
  // EventBridge and bare posts, the common case, are not parsed an extra time here.
  if (!credentials.sns || !req.headers[SNS_TYPE_HEADER]) return undefined
  const body = readJsonObject(req.rawBody)
  const envelope = body && unwrapAmazon(body)
  if (envelope?.transport !== 'sns' || !topicAllowed(envelope.sns, credentials)) return undefined
  const url = envelope.sns.SigningCertURL
  return isSigningCertUrl(url) ? url : undefined
}

function verifySns(
  envelope: Extract<AmazonEnvelope, { transport: 'sns' }>,
  ctx: VerifyContext<AmazonCredentials>,
): VerifyOutcome {
  const { sns } = envelope
  if (!topicAllowed(sns, ctx.credentials)) return { ok: false, reason: 'account-mismatch' }
  const certUrl = sns.SigningCertURL
  const certificate = isSigningCertUrl(certUrl) ? ctx.certificates?.get(certUrl) : undefined
  if (!certificate || !verifySnsSignature(sns, certificate)) {
    return { ok: false, reason: 'bad-signature' }
  }
  const messageKey = `sns:${String(sns.MessageId)}`
  const snsTopic = SNS_TOPICS[envelope.snsType as keyof typeof SNS_TOPICS]
  if (snsTopic) return { ok: true, dedupeKey: messageKey, topic: snsTopic }
  if (envelope.eventBridge && !eventBridgeMatches(envelope.eventBridge, ctx.credentials)) {
    return { ok: false, reason: 'account-mismatch' }
  }
  // SNS keeps MessageId across its retries: the fallback when the notification has no id.
  return accepted(envelope.notification, envelope.eventBridge, messageKey)
}

function accepted(
  notification: Json | undefined,
  eventBridge: EventBridgeEvent | undefined,
  fallbackKey: string,
): VerifyOutcome {
  const type = (notification && notificationType(notification)) ?? eventBridge?.detailType
  const time = (notification && eventTime(notification)) ?? eventBridge?.time
  const channelTime = time ? new Date(time) : undefined
  return {
    ok: true,
    dedupeKey: (notification && notificationId(notification)) ?? fallbackKey,
    topic: type ?? UNREADABLE_TOPIC,
    ...(channelTime && !Number.isNaN(channelTime.getTime()) ? { channelTime } : {}),
  }
}

function topicAllowed(sns: Json, credentials: AmazonCredentials): boolean {
  const topic = sns.TopicArn
  return typeof topic === 'string' && (credentials.sns?.topicArns.includes(topic) ?? false)
}

function eventBridgeMatches(event: EventBridgeEvent, credentials: AmazonCredentials): boolean {
  const expected = credentials.eventBridge
  if (expected?.account && event.account !== expected.account) return false
  if (expected?.source && event.source !== expected.source) return false
  return true
}

/** The header value each configured credential makes the connection send. */
function headerValue(credential: StaticCredential): string {
  if ('apiKey' in credential) return credential.apiKey
  if ('bearer' in credential) return `Bearer ${credential.bearer}`
  const { userName, password } = credential.basic
  return `Basic ${Buffer.from(`${userName}:${password}`, 'utf8').toString('base64')}`
}

/** Compares digests of every configured value with the presented one, never stopping early. */
function staticCredentialMatches(values: readonly StaticCredential[], presented: string): boolean {
  const got = createHash('sha256').update(presented, 'utf8').digest()
  let matched = false
  for (const value of values) {
    const want = createHash('sha256').update(headerValue(value), 'utf8').digest()
    if (timingSafeEqual(got, want)) matched = true
  }
  return matched
}
