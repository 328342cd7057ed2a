/**
 * Walmart Marketplace webhook verification. Walmart lets each subscription choose how it
 * authenticates (`authDetails.authMethod`), and the "performance webhooks" family signs requests;
 * an account lists every mode its subscriptions use, and a request is checked by the mode whose
 * header it carries. Facts: channels.md §3 A2.
 *
 * - BASIC_AUTH: `authHeaderName: Basic base64(userName:password)`.
 * - HMAC:       `authHeaderName: HMAC-SHA256(clientSecret, raw body)`, hex or base64 (unconfirmed).
 * - OAUTH:      `authHeaderName: Bearer <token>`, a token the hub issued at its token endpoint.
 * - SIGNED:     `WM_SEC.SIGNATURE` = base64 HMAC-SHA256 over
 *               `METHOD\npath+query\nWM_SEC.TIMESTAMP\nhex(SHA-256(body))`, `WM_SEC.KEY_ID` naming
 *               the secret, the timestamp within a replay window
 *               (https://developer.walmart.com/us-marketplace/docs/security-and-authenticity).
 *
 * Basic and OAuth authenticate the sender, not the body; the inbox's unique `source.eventId` is
 * the replay defence for every mode.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { bodyDigestKey, idString, readJsonObject, UNREADABLE_TOPIC } from '../shared/body.js'
import { hmacMatchesAny } from '../shared/crypto.js'
import type { InboundRequest, VerifyContext, VerifyFailure, VerifyOutcome } from '../types.js'
import type { WalmartCredentials, WalmartWebhookAuth } from './config.js'

type Mode<M extends WalmartWebhookAuth['method']> = Extract<WalmartWebhookAuth, { method: M }>
/** `absent`: the request does not carry this mode's credential, so another mode may apply. */
type ModeResult = 'absent' | 'ok' | VerifyFailure

const SIGNED_HEADERS = {
  signature: 'wm_sec.signature',
  timestamp: 'wm_sec.timestamp',
  keyId: 'wm_sec.key_id',
} as const

export function verifyWalmart(
  req: InboundRequest,
  ctx: VerifyContext<WalmartCredentials>,
): VerifyOutcome {
  let sawCredential = false
  for (const mode of ctx.credentials.webhookAuth) {
    const result = checkMode(mode, req, ctx)
    if (result === 'absent') {
      sawCredential ||= headerOf(mode, req) !== undefined
      continue
    }
    if (result !== 'ok') return { ok: false, reason: result }
    return accept(req, ctx.credentials)
  }
  // A credential header of the wrong scheme (Bearer where only Basic is configured) is malformed.
  return { ok: false, reason: sawCredential ? 'malformed' : 'missing-header' }
}

/** The Bearer token of the OAuth mode, if the account uses it and the request carries one. */
export function presentedWalmartToken(
  req: InboundRequest,
  credentials: WalmartCredentials,
): string | undefined {
  const mode = credentials.webhookAuth.find((m) => m.method === 'OAUTH')
  return mode ? bearerToken(req.headers[mode.headerName]) : undefined
}

function checkMode(
  mode: WalmartWebhookAuth,
  req: InboundRequest,
  ctx: VerifyContext<WalmartCredentials>,
): ModeResult {
  switch (mode.method) {
    case 'BASIC_AUTH':
      return checkBasic(mode, req)
    case 'HMAC':
      return checkHmac(mode, req)
    case 'OAUTH':
      return checkBearer(mode, req, ctx)
    case 'SIGNED':
      return checkSigned(mode, req, ctx.now)
  }
}

function headerOf(mode: WalmartWebhookAuth, req: InboundRequest): string | undefined {
  const name = mode.method === 'SIGNED' ? SIGNED_HEADERS.signature : mode.headerName
  return req.headers[name]?.trim() || undefined
}

function checkBasic(mode: Mode<'BASIC_AUTH'>, req: InboundRequest): ModeResult {
  const match = /^basic\s+(\S+)$/i.exec(req.headers[mode.headerName]?.trim() ?? '')
  if (!match?.[1]) return 'absent'
  let matched = false
  // Every pair is compared, so the time taken does not reveal which one matched.
  for (const user of mode.users) {
    const expected = Buffer.from(`${user.userName}:${user.password}`, 'utf8').toString('base64')
    if (equalInConstantTime(expected, match[1])) matched = true
  }
  return matched ? 'ok' : 'bad-signature'
}

function checkHmac(mode: Mode<'HMAC'>, req: InboundRequest): ModeResult {
  const received = req.headers[mode.headerName]?.trim()
  if (!received) return 'absent'
  const hex =
    mode.encoding !== 'base64' && hmacMatchesAny(mode.secrets, req.rawBody, received, 'hex')
  const base64 =
    mode.encoding !== 'hex' && hmacMatchesAny(mode.secrets, req.rawBody, received, 'base64')
  return hex || base64 ? 'ok' : 'bad-signature'
}

function checkBearer(
  mode: Mode<'OAUTH'>,
  req: InboundRequest,
  ctx: VerifyContext<WalmartCredentials>,
): ModeResult {
  const token = bearerToken(req.headers[mode.headerName])
  if (!token) return 'absent'
  const issued = ctx.issuedToken
  if (!issued || !equalInConstantTime(issued.token, token)) return 'bad-signature'
  return issued.expiresAt.getTime() > ctx.now.getTime() ? 'ok' : 'stale'
}

function checkSigned(mode: Mode<'SIGNED'>, req: InboundRequest, now: Date): ModeResult {
  const signature = req.headers[SIGNED_HEADERS.signature]?.trim()
  if (!signature) return 'absent'
  const timestamp = req.headers[SIGNED_HEADERS.timestamp]?.trim()
  if (!timestamp) return 'missing-header'
  if (!/^\d{1,12}$/.test(timestamp)) return 'malformed'
  const keyId = req.headers[SIGNED_HEADERS.keyId]?.trim()
  const secrets = mode.secrets.filter((s) => !keyId || s.keyId === keyId).map((s) => s.secret)
  const bodyHash = createHash('sha256').update(req.rawBody).digest('hex')
  const signed = `${req.method.toUpperCase()}\n${pathAndQuery(req.url)}\n${timestamp}\n${bodyHash}`
  if (!hmacMatchesAny(secrets, Buffer.from(signed, 'utf8'), signature, 'base64')) {
    return 'bad-signature'
  }
  const skewMs = Math.abs(now.getTime() - Number(timestamp) * 1000)
  return skewMs <= mode.replayWindowSeconds * 1000 ? 'ok' : 'stale'
}

/** The path and query exactly as the request line had them (no re-encoding). */
function pathAndQuery(url: string): string {
  const afterScheme = url.indexOf('//')
  const start = url.indexOf('/', afterScheme === -1 ? 0 : afterScheme + 2)
  return start === -1 ? '/' : url.slice(start)
}

function bearerToken(value: string | undefined): string | undefined {
  return /^bearer\s+(\S+)$/i.exec(value?.trim() ?? '')?.[1]
}

/** Compares digests of both, so neither the content nor the length of the secret leaks. */
function equalInConstantTime(expected: string, received: string): boolean {
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(received).digest()
  return timingSafeEqual(a, b)
}

/** Verified: read the envelope for the inbox and check the partner binding. */
function accept(req: InboundRequest, credentials: WalmartCredentials): VerifyOutcome {
  const body = readJsonObject(req.rawBody)
  const source = asObject(body?.source)
  const payload = asObject(body?.payload)
  if (!body || !source) {
    return { ok: true, dedupeKey: bodyDigestKey(req.rawBody), topic: UNREADABLE_TOPIC }
  }
  const partnerId = idString(payload?.partnerId)
  if (credentials.partnerId && partnerId !== credentials.partnerId) {
    return { ok: false, reason: 'account-mismatch' }
  }
  const eventType = typeof source.eventType === 'string' ? source.eventType : undefined
  const eventTime = typeof source.eventTime === 'string' ? new Date(source.eventTime) : undefined
  return {
    ok: true,
    dedupeKey: idString(source.eventId) ?? bodyDigestKey(req.rawBody),
    topic: eventType || UNREADABLE_TOPIC,
    ...(eventTime && !Number.isNaN(eventTime.getTime()) ? { channelTime: eventTime } : {}),
  }
}

function asObject(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
