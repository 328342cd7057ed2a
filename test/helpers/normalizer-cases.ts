// What the normalizer tests (normalizers/<channel>/<channel>.test.ts) share: inputs built as the
// pipeline builds them, deep-frozen so that a normalizer mutating its input throws; observations
// read out of a result; and the cases every recorded fixture of a channel must pass
// (describeFixtures): it asks for the records it needs only while they are missing, matches its
// reviewed golden output, has the outcome its name promises, emits only contract-valid
// observations (or, refused or ignored, says where or why), keeps its order lines adding up, and
// normalizes deterministically without mutating its input.
import { describe, expect, it } from 'vitest'
import type { ZodType } from 'zod'
import { hydrationKey } from '../../connectors/index.js'
import type {
  ChannelNormalizer,
  NormalizeInput,
  NormalizeResult,
  Observation,
} from '../../normalizers/types.js'
import {
  InventoryReported,
  ListingStatusChanged,
  OrderReturned,
  OrderSnapshot,
  type ChannelId,
} from '../../src/events/index.js'
import { parseJsonBody } from '../../src/json.js'
import { listFixtures, type RecordedWebhook } from './fixtures.js'

export type Json = Record<string, unknown>

/** When the hub received every test webhook, unless a test says otherwise. */
const RECEIVED_AT = new Date('2026-11-22T12:00:00.000Z')

/** `value`, frozen all the way down, so writing to any part of it throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

/** Builds one webhook's input for the normalizer: the body and `hydrated` deep-frozen. */
export type InputBuilder = (
  topic: string,
  body: unknown,
  hydrated?: Record<string, unknown>,
) => NormalizeInput

/** The {@link InputBuilder} of a channel, for account `demo`, with this dedupe key and time. */
export function inputBuilder(
  channel: ChannelId,
  dedupeKey: string,
  receivedAt: Date = RECEIVED_AT,
): InputBuilder {
  return (topic, body, hydrated) => ({
    channel,
    accountId: 'demo',
    topic,
    dedupeKey,
    receivedAt,
    body: deepFreeze(body),
    ...(hydrated ? { hydrated: deepFreeze(hydrated) } : {}),
  })
}

/** Builds a fixture's input; `hydrated` only when `withHydrated`. */
export type FixtureInput = (fx: RecordedWebhook, withHydrated: boolean) => NormalizeInput

/**
 * The fixture as the pipeline hands it over: the body parsed as ingress parses it, a copy of the
 * fetched records only when `withHydrated`, and the dedupe key `dedupeKeyOf` reads from it.
 */
export function fixtureInputs(
  input: InputBuilder,
  dedupeKeyOf: (body: unknown, fx: RecordedWebhook) => string,
): FixtureInput {
  return (fx, withHydrated) => {
    const body = parseJsonBody(fx.body)
    const hydrated = withHydrated && fx.hydrated ? structuredClone(fx.hydrated) : undefined
    return { ...input(fx.topic, body, hydrated), dedupeKey: dedupeKeyOf(body, fx) }
  }
}

/** A copy of the record the fixture holds as fetched under `key`, with fields overridden. */
export function fetchedRecord(fx: RecordedWebhook, key: string, overrides: Json = {}): Json {
  return { ...(structuredClone(fx.hydrated![key]) as Json), ...overrides }
}

/** The observations of a result; any other result fails the test. */
export function observations(result: NormalizeResult): readonly Observation[] {
  if (result.kind !== 'observations') {
    throw new Error(`expected observations, got ${JSON.stringify(result)}`)
  }
  return result.observations
}

/** The one observation of `kind` in a result; none, or more than one, fails the test. */
export function only<K extends Observation['kind']>(
  result: NormalizeResult,
  kind: K,
): Extract<Observation, { kind: K }> {
  const found = observations(result).filter(
    (o): o is Extract<Observation, { kind: K }> => o.kind === kind,
  )
  if (found.length !== 1) throw new Error(`expected one ${kind} observation`)
  return found[0]!
}

/** The snapshot of the one `order` observation of a result. */
export const snapshotOf = (result: NormalizeResult) => only(result, 'order').snapshot

export const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' })

export interface FixtureCases {
  readonly channel: ChannelId
  readonly normalizer: ChannelNormalizer
  readonly fixtureInput: FixtureInput
  /** The outcome a fixture's name promises. */
  readonly outcome: (name: string) => NormalizeResult['kind']
  /** The kinds of observation the channel emits; another kind fails the contract case. */
  readonly emits: readonly Observation['kind'][]
  /** How many observations each `observations` result holds; by default at least one. */
  readonly observationsEach?: number
  /** More for each observation to satisfy, after the contract. */
  readonly alsoExpect?: (observation: Observation) => void
  /**
   * Whether an order's total is subtotal + shipping + tax (tax left out when included in the
   * prices). Not for a channel whose total holds fees of its own.
   */
  readonly totalIsSumOfParts: boolean
  /** More cases of the channel's own, for each fixture and its result (with the records fetched). */
  readonly more?: (fx: RecordedWebhook, result: NormalizeResult) => void
}

/**
 * `<channel> normalizer · <fixture>`: the cases every recorded fixture of the channel passes. Each
 * asserts (`expect.hasAssertions`), so a case that stops checking anything fails; a case that
 * cannot apply to a fixture is excluded with `it.runIf`, its reason beside it.
 */
export function describeFixtures(cases: FixtureCases): void {
  const { normalizer, fixtureInput } = cases
  describe.each(listFixtures(cases.channel))(`${cases.channel} normalizer · $name`, (fx) => {
    const first = normalizer.normalize(fixtureInput(fx, false))
    const result = fx.hydrated ? normalizer.normalize(fixtureInput(fx, true)) : first
    const orders = observationsOf(result).filter((o) => o.kind === 'order')

    it('asks for exactly the records the fixture holds, and only without them', () => {
      expect.hasAssertions()
      if (!fx.hydrated) {
        expect(first.kind).not.toBe('hydrate')
        return
      }
      expect(first.kind).toBe('hydrate')
      const keys = first.kind === 'hydrate' ? first.needs.map(hydrationKey) : []
      expect(keys.sort()).toEqual(Object.keys(fx.hydrated).sort())
      expect(result.kind).not.toBe('hydrate')
    })

    it('matches the golden output', async () => {
      expect.hasAssertions()
      await expect(JSON.stringify(result, null, 2) + '\n').toMatchFileSnapshot(fx.expectedPath)
    })

    it('has the outcome its case name promises', () => {
      expect.hasAssertions()
      expect(result.kind).toBe(cases.outcome(fx.name))
    })

    switch (result.kind) {
      case 'observations':
        it('emits only contract-valid observations', () => {
          expect.hasAssertions()
          if (cases.observationsEach === undefined) {
            expect(result.observations.length).toBeGreaterThan(0)
          } else {
            expect(result.observations).toHaveLength(cases.observationsEach)
          }
          for (const observation of result.observations) {
            expect(cases.emits, `${cases.channel} emits no ${observation.kind}`).toContain(
              observation.kind,
            )
            expectContractValid(observation)
            cases.alsoExpect?.(observation)
          }
        })
        break
      case 'invalid':
        // What an operator reads on the failed row: each issue is `<path>: <what is wrong>`.
        it('names the path of each issue', () => {
          expect.hasAssertions()
          expect(result.issues.length).toBeGreaterThan(0)
          for (const issue of result.issues) expect(issue).toMatch(/^\S+: \S/)
        })
        break
      case 'ignored':
        it('says why it is ignored', () => {
          expect.hasAssertions()
          expect(result.reason.trim()).not.toBe('')
        })
        break
      case 'hydrate':
        // Refused by the first case above: a fixture with its records fetched is never `hydrate`.
        break
    }

    // Excluded where the result holds no `order` observation (a stock, listing, return,
    // subscription or authorization observation, or a webhook refused or ignored): only an order
    // has lines and totals to add up.
    it.runIf(orders.length > 0)(
      cases.totalIsSumOfParts
        ? 'keeps every line consistent, and the totals adding up'
        : 'keeps every line consistent, and the lines adding up to the subtotal',
      () => {
        expect.hasAssertions()
        for (const { snapshot } of orders) {
          expectLinesAddUp(snapshot)
          if (cases.totalIsSumOfParts) expectTotalAddsUp(snapshot)
        }
      },
    )

    it('is deterministic and never mutates its (deep-frozen) input', () => {
      expect.hasAssertions()
      const again = fixtureInput(fx, true)
      expect(normalizer.normalize(again)).toEqual(result)
      expect(normalizer.normalize(again)).toEqual(result)
      expect(again.body).toEqual(parseJsonBody(fx.body))
      expect(again.hydrated).toEqual(fx.hydrated)
    })

    cases.more?.(fx, result)
  })
}

/** The observations of a result; none for any other kind. */
function observationsOf(result: NormalizeResult): readonly Observation[] {
  return result.kind === 'observations' ? result.observations : []
}

function expectContractValid(observation: Observation): void {
  switch (observation.kind) {
    case 'order':
      OrderSnapshot.parse(observation.snapshot)
      break
    case 'order-return':
      parseAsEvent(OrderReturned, observation)
      break
    case 'inventory-level':
      parseAsEvent(InventoryReported, observation)
      break
    case 'listing-status':
      parseAsEvent(ListingStatusChanged, observation)
      break
    case 'subscription-confirmed':
      expect(new Date(observation.occurredAt).toISOString()).toBe(observation.occurredAt)
      break
    case 'account-authorization':
      expect(observation.message.length).toBeGreaterThan(0)
      expect(new Date(observation.occurredAt).toISOString()).toBe(observation.occurredAt)
      break
  }
}

/** Parses the observation's data and time as the event's `data` and `time`; a mismatch throws. */
function parseAsEvent(
  event: { readonly shape: { readonly data: ZodType; readonly time: ZodType } },
  observation: { readonly data: unknown; readonly occurredAt: string },
): void {
  event.shape.data.parse(observation.data)
  event.shape.time.parse(observation.occurredAt)
}

/**
 * Every line totals unit price × quantity − discount and ships no more than it holds, and the
 * lines add up to the subtotal and the discount.
 */
function expectLinesAddUp({ lines, totals }: OrderSnapshot): void {
  for (const line of lines) {
    expect(line.total.amountMinor).toBe(
      line.unitPrice.amountMinor * line.quantity - line.discount.amountMinor,
    )
    expect(line.quantityFulfilled).toBeLessThanOrEqual(line.quantity)
  }
  const sum = lines.reduce((total, line) => total + line.total.amountMinor, 0)
  expect(sum).toBe(totals.subtotal.amountMinor)
  const discounts = lines.reduce((total, line) => total + line.discount.amountMinor, 0)
  expect(discounts).toBe(totals.discount.amountMinor)
}

/** The total is subtotal + shipping + tax, the tax left out when the prices include it. */
function expectTotalAddsUp({ totals }: OrderSnapshot): void {
  expect(totals.total.amountMinor).toBe(
    totals.subtotal.amountMinor +
      totals.shipping.amountMinor +
      (totals.taxesIncluded ? 0 : totals.tax.amountMinor),
  )
}
