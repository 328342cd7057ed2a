// The suite every connector runs (not a test file itself: each <channel>.test.ts calls it), in the
// manner of Hono's shared router tests. Exceptions are explicit skips with a written reason.
import { describe, expect, it } from 'vitest'
import type { RecordedWebhook } from '../test/helpers/fixtures.js'
import type { Connector, InboundRequest, IssuedToken } from './types.js'

/** The tests of the suite, by name; a connector may skip some, with a reason. */
type ConformanceTest =
  | 'every fixture verifies'
  | 'a flipped body byte is a bad signature'
  | 'a missing required header is reported as such'
  | 'a wrong secret is rejected'
  | 'a rotated secret list accepts the old secret'
  | 'a stale timestamp is rejected'
  | 'verify never throws on hostile input'
  | 'the dedupe key is stable and distinct'
  | 'credentials are validated'

export interface ConformanceOptions<C> {
  readonly connector: Connector<C>
  /** Recorded deliveries of this channel (fixtures/<channel>/**), excluding ones that are not signed requests. */
  readonly fixtures: readonly RecordedWebhook[]
  /** The test signer: an independent implementation of the channel's scheme. */
  readonly sign: (fx: RecordedWebhook, secret: string, now: Date) => InboundRequest
  /** Credentials for an account whose secrets are `secrets` (newest first). */
  readonly credentialsWith: (secrets: readonly string[]) => C
  /** Header names (lower-case) whose absence must give `missing-header`. */
  readonly requiredHeaders: readonly string[]
  /** For channels that sign a timestamp: a request signed at `now` minus more than the window. */
  readonly signStale?: (fx: RecordedWebhook, secret: string, now: Date) => InboundRequest
  /**
   * For schemes with hub-issued bearer tokens: the tokens the hub has issued to an account whose
   * "secrets" are `secrets` (the suite looks the presented one up, as the receive step does).
   */
  readonly issuedTokens?: (secrets: readonly string[], now: Date) => readonly IssuedToken[]
  /**
   * For schemes signed with a fetched certificate: the certificates (PEM by URL) the hub would
   * fetch for an account whose "secrets" are `secrets` (each secret standing for a signing key).
   */
  readonly certificatesWith?: (secrets: readonly string[]) => ReadonlyMap<string, string>
  /** Shown in the suite's name when a connector runs it more than once (one run per auth mode). */
  readonly label?: string
  /**
   * False for schemes that authenticate the sender but not the body (HTTP Basic, bearer tokens):
   * a changed or empty body then still passes verification, and only the signature-specific
   * checks are skipped; the inbox dedupe key remains the replay defence.
   */
  readonly authenticatesBody?: boolean
  readonly skip?: ReadonlyArray<{
    readonly reason: string
    readonly tests: readonly ConformanceTest[]
  }>
}

const NOW = new Date('2026-11-22T12:00:00Z')
const SECRET = 'conformance-secret-current'
const OLD_SECRET = 'conformance-secret-previous'

export function describeConnectorConformance<C>(opts: ConformanceOptions<C>): void {
  const { connector } = opts
  const bodyUnsigned = opts.authenticatesBody === false
  const skipped = new Set<ConformanceTest>([
    ...(opts.skip?.flatMap((s) => s.tests) ?? []),
    ...(bodyUnsigned ? (['a flipped body byte is a bad signature'] as const) : []),
  ])
  const test = (name: ConformanceTest, fn: () => void) =>
    (skipped.has(name) ? it.skip : it)(name, fn)
  const verify = (req: InboundRequest, secrets: readonly string[] = [SECRET]) => {
    const credentials = opts.credentialsWith(secrets)
    const presented = connector.ingress.presentedToken?.(req, credentials)
    const issuedToken = presented
      ? opts.issuedTokens?.(secrets, NOW).find((t) => t.token === presented)
      : undefined
    const certificates = opts.certificatesWith?.(secrets)
    return connector.ingress.verify(req, {
      credentials,
      now: NOW,
      ...(issuedToken ? { issuedToken } : {}),
      ...(certificates ? { certificates } : {}),
    })
  }
  const [first] = opts.fixtures
  if (!first) throw new Error(`${connector.id}: the conformance suite needs at least one fixture`)

  const name = opts.label ? `${connector.id} (${opts.label})` : connector.id
  describe(`${name} connector conformance`, () => {
    test('every fixture verifies', () => {
      for (const fx of opts.fixtures) {
        const outcome = verify(opts.sign(fx, SECRET, NOW))
        expect(outcome, fx.name).toMatchObject({ ok: true })
        if (outcome.ok) {
          expect(outcome.dedupeKey.length, fx.name).toBeGreaterThan(0)
          expect(outcome.topic.length, fx.name).toBeGreaterThan(0)
        }
      }
    })

    test('a flipped body byte is a bad signature', () => {
      const req = opts.sign(first, SECRET, NOW)
      const body = Buffer.from(req.rawBody)
      for (const index of [0, Math.floor(body.length / 2), body.length - 1]) {
        const flipped = Buffer.from(body)
        flipped[index] = flipped[index]! ^ 0x01
        expect(verify({ ...req, rawBody: flipped })).toEqual({ ok: false, reason: 'bad-signature' })
      }
    })

    test('a missing required header is reported as such', () => {
      const req = opts.sign(first, SECRET, NOW)
      for (const name of opts.requiredHeaders) {
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([h]) => h !== name))
        expect(verify({ ...req, headers }), name).toEqual({ ok: false, reason: 'missing-header' })
      }
    })

    test('a wrong secret is rejected', () => {
      expect(verify(opts.sign(first, 'not-the-secret', NOW))).toEqual({
        ok: false,
        reason: 'bad-signature',
      })
    })

    test('a rotated secret list accepts the old secret', () => {
      const req = opts.sign(first, OLD_SECRET, NOW)
      expect(verify(req, [SECRET])).toEqual({ ok: false, reason: 'bad-signature' })
      expect(verify(req, [SECRET, OLD_SECRET])).toMatchObject({ ok: true })
    })

    test('a stale timestamp is rejected', () => {
      if (!opts.signStale) throw new Error('signStale is required unless this test is skipped')
      expect(verify(opts.signStale(first, SECRET, NOW))).toEqual({ ok: false, reason: 'stale' })
    })

    test('verify never throws on hostile input', () => {
      const req = opts.sign(first, SECRET, NOW)
      const garbage = [
        '',
        ' ',
        '=',
        'not base64 at all!',
        'ä'.repeat(300),
        'a'.repeat(10_000),
        'v1,',
        '0'.repeat(64),
      ]
      for (const value of garbage) {
        const headers = Object.fromEntries(Object.keys(req.headers).map((h) => [h, value]))
        expect(() => verify({ ...req, headers })).not.toThrow()
        expect(verify({ ...req, headers }).ok).toBe(false)
      }
      const empty = { ...req, rawBody: new Uint8Array() }
      if (bodyUnsigned) expect(() => verify(empty)).not.toThrow()
      else expect(verify(empty).ok).toBe(false)
    })

    test('the dedupe key is stable and distinct', () => {
      const keys = opts.fixtures.map((fx) => {
        const a = verify(opts.sign(fx, SECRET, NOW))
        const b = verify(opts.sign(fx, SECRET, NOW))
        expect(a).toEqual(b)
        return a.ok ? a.dedupeKey : undefined
      })
      expect(new Set(keys).size).toBe(opts.fixtures.length)
    })

    test('credentials are validated', () => {
      expect(connector.credentials.safeParse({}).success).toBe(false)
      expect(connector.credentials.safeParse(opts.credentialsWith([SECRET])).success).toBe(true)
      expect(
        connector.credentials.safeParse(connector.sandboxCredentials('http://127.0.0.1:3001'))
          .success,
      ).toBe(true)
    })
  })
}
