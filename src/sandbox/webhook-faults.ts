/**
 * What a channel does to the webhooks it sends, as real marketplaces do to theirs: delivery is at
 * least once and not guaranteed. Shopify says webhooks can come up to a day late and that apps
 * should run reconciliation jobs since delivery "isn't always guaranteed"
 * (https://shopify.dev/docs/apps/build/webhooks/best-practices), and that the same webhook can
 * arrive more than once (https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates); SQS and
 * EventBridge behind Amazon's notifications are at-least-once and unordered (general AWS
 * behaviour, **unconfirmed** for SP-API, channels.md §2); no channel promises an order
 * (channels.md: ordering rows, each **unconfirmed** as an explicit statement).
 *
 * Two ways to switch faults on, on `state.webhookFaults`:
 * - counted: the next `drop` webhooks are never sent, then the next `duplicate` are sent twice at
 *   once (tests that want one exact webhook lost or repeated);
 * - at rates (`rates`, built by `webhookFaultRates`): each webhook meets one fate drawn from a
 *   seeded generator, so a run is reproducible. Counted faults, while any are left, come first.
 */
import { checkSeed, seededRandom } from './random.js'

/** Rates as options give them: fractions of the webhooks built, in [0, 1], adding up to at most 1. */
export interface WebhookFaultSettings {
  /** Never sent (default 0). */
  readonly drop?: number
  /** Sent twice: at once, and the copy at a random moment within `windowMs` (default 0). */
  readonly duplicate?: number
  /** Sent after a random delay up to `maxDelayMs` (default 0). */
  readonly delay?: number
  /**
   * Held back and sent right after the channel's next webhook that goes out at once (the two reach
   * the hub swapped), or alone at the end of `windowMs` if the channel sends none meanwhile
   * (default 0). Delays reorder too, over longer spans; this is the adjacent swap.
   */
  readonly reorder?: number
  /**
   * The longest delay in ms (default 0). Shopify's can be a day (86,400,000); a simulation that
   * compresses time scales it down with everything else.
   */
  readonly maxDelayMs?: number
  /** The short window of a duplicate's copy and of a reordered webhook's wait, in ms (default 1,000). */
  readonly windowMs?: number
  /** Seed of the generator the fates are drawn from: one seed, one run. */
  readonly seed: number
}

/** The rates in force on a channel, with the generator they draw from. */
export interface WebhookFaultRates {
  readonly drop: number
  readonly duplicate: number
  readonly delay: number
  readonly reorder: number
  readonly maxDelayMs: number
  readonly windowMs: number
  /** Numbers in [0, 1): `seededRandom(seed)`, advanced by every fate drawn. */
  readonly random: () => number
}

/** Webhook faults of one channel; tests and simulations change them at run time. */
export interface WebhookFaults {
  /** The next this-many webhooks are never sent. */
  drop: number
  /** The next this-many webhooks (after the dropped ones) are sent twice at once. */
  duplicate: number
  /** Faults at rates, after the counted ones; none when absent. */
  rates?: WebhookFaultRates
}

/** What becomes of one webhook. */
export type WebhookFate =
  | { readonly kind: 'send' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'delay'; readonly afterMs: number }
  /** The copy follows after `copyAfterMs` (0: at once, as counted duplicates' copies do). */
  | { readonly kind: 'duplicate'; readonly copyAfterMs: number }
  | { readonly kind: 'reorder'; readonly windowMs: number }

/** setTimeout's limit (2^31 - 1 ms, about 24.8 days): a longer delay would fire at once. */
const MAX_TIMER_MS = 2_147_483_647
const DEFAULT_WINDOW_MS = 1_000

/** Rates checked and given their generator; a clear error names the first setting that is wrong. */
export function webhookFaultRates(settings: WebhookFaultSettings): WebhookFaultRates {
  const fraction = (name: 'drop' | 'duplicate' | 'delay' | 'reorder'): number => {
    const value = settings[name] ?? 0
    if (typeof value !== 'number' || !(value >= 0 && value <= 1))
      throw new Error(`webhook fault rate ${name} must be a fraction from 0 to 1, not ${value}`)
    return value
  }
  const ms = (name: 'maxDelayMs' | 'windowMs', fallback: number): number => {
    const value = settings[name] ?? fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIMER_MS)
      throw new Error(
        `webhook fault ${name} must be a whole number of ms from 0 to ${MAX_TIMER_MS}, not ${value}`,
      )
    return value
  }
  const rates = {
    drop: fraction('drop'),
    duplicate: fraction('duplicate'),
    delay: fraction('delay'),
    reorder: fraction('reorder'),
  }
  const total = rates.drop + rates.duplicate + rates.delay + rates.reorder
  // A tolerance for sums like 0.7 + 0.2 + 0.1, which floats make 1.0000000000000002.
  if (total > 1 + 1e-9)
    throw new Error(
      `webhook fault rates drop + duplicate + delay + reorder add up to ${total}; each webhook meets one fate, so at most 1`,
    )
  return {
    ...rates,
    maxDelayMs: ms('maxDelayMs', 0),
    windowMs: ms('windowMs', DEFAULT_WINDOW_MS),
    random: seededRandom(checkSeed(settings.seed, 'webhook fault seed')),
  }
}

/**
 * The fate of the next webhook: a counted fault while any is left (and used up), else one drawn
 * from the rates. One draw picks the fate, so each rate is the expected fraction of all webhooks
 * built (not of those left after the others); delayed and duplicated ones draw once more, for when.
 */
export function fateOf(faults: WebhookFaults): WebhookFate {
  const counted = countedFate(faults)
  if (counted) return counted
  const rates = faults.rates
  if (!rates) return { kind: 'send' }
  const draw = rates.random()
  let bound = rates.drop
  if (draw < bound) return { kind: 'drop' }
  if (draw < (bound += rates.delay))
    return { kind: 'delay', afterMs: upTo(rates.random, rates.maxDelayMs) }
  if (draw < (bound += rates.duplicate))
    return { kind: 'duplicate', copyAfterMs: upTo(rates.random, rates.windowMs) }
  if (draw < bound + rates.reorder) return { kind: 'reorder', windowMs: rates.windowMs }
  return { kind: 'send' }
}

/** The fate a counted fault gives the next webhook (using it up), if any is left. */
export function countedFate(faults: WebhookFaults): WebhookFate | undefined {
  if (faults.drop > 0) {
    faults.drop -= 1
    return { kind: 'drop' }
  }
  if (faults.duplicate > 0) {
    faults.duplicate -= 1
    return { kind: 'duplicate', copyAfterMs: 0 }
  }
  return undefined
}

/** A whole number of ms from 1 to `max` (0 when `max` is): a drawn delay is never "at once". */
function upTo(random: () => number, max: number): number {
  return max === 0 ? 0 : 1 + Math.floor(random() * max)
}
