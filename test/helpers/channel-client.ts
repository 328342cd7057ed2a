// What the channel-client tests (connectors/*/client.test.ts) share: a clock that moves only when a
// test moves it, the context a client under test is created with, the ChannelApiError a call fails
// with, and the cases every client answers the same way, injected into the emulator
// (test/helpers/emulator-msw.ts): a table of answers and the error each becomes, and the answers no
// client can use (none at all, one that never completes, one above the size cap).
import { beforeEach, expect, it } from 'vitest'
import { ChannelApiError } from '../../connectors/shared/api-error.js'
import type { ClientContext } from '../../connectors/types.js'
import type { Clock } from '../../src/clock.js'
import { fetchTransport } from './fetch-transport.js'
import type { Fault } from '../../src/sandbox/faults.js'

export interface TestClock extends Clock {
  /** Moves the clock on by `ms`. */
  advance(ms: number): void
  /**
   * What a client waiting on this clock (connectors/shared/feed-wait.ts `waitOn`) gets: the clock
   * moves on by `ms` and the wait ends at once, so a test never sleeps.
   */
  wait(ms: number): Promise<void>
}

/** A clock that stands at `start` again before every test of the file, and moves only on `advance`. */
export function testClock(start: Date): TestClock {
  let now = start.getTime()
  beforeEach(() => {
    now = start.getTime()
  })
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms
    },
    wait: (ms) => {
      now += ms
      return Promise.resolve()
    },
  }
}

/**
 * The test clock for a client that polls (a feed's status): each time the client waits, `observe`
 * is noted in `seen` and the clock moves on by the wait, so a test sees what the marketplace held
 * at every poll without sleeping.
 */
export function watchingClock<T>(
  clock: TestClock,
  observe: () => T,
): { readonly seen: T[]; readonly clock: TestClock } {
  const seen: T[] = []
  return {
    seen,
    clock: {
      ...clock,
      wait: (ms) => {
        seen.push(observe())
        clock.advance(ms)
        return Promise.resolve()
      },
    },
  }
}

/** The context a client under test gets: the test clock, and a transport msw sees. */
export function clientContext(clock: Clock): ClientContext {
  return { transport: fetchTransport(), clock }
}

/** The `ChannelApiError` the call fails with; anything else (a result, another error) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<ChannelApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ChannelApiError)
  return err as ChannelApiError
}

/** One row of an error-classification table: an answer, and the error the client makes of it. */
export interface ClassificationCase {
  readonly name: string
  readonly reply: () => Response
  readonly kind: ChannelApiError['kind']
  /** The wait the error must carry, when the row names one. */
  readonly retryAfterMs?: number
  /** The channel's error code the error must carry, when the row names one. */
  readonly code?: string
  /** Words the message must hold, when the row names them. */
  readonly says?: string
}

/**
 * One call of a client under test against the emulator (test/helpers/emulator-msw.ts): `inject`
 * adds a fault on the call's endpoint to this test's seller (`state.faults.add({ path, ...fault })`).
 */
export interface CallUnderTest<S> {
  readonly setup: (overrides?: { readonly requestTimeoutMs: number }) => S
  readonly call: (subject: S) => Promise<unknown>
  readonly inject: (fault: Fault) => void
}

/**
 * `<name> → <kind>` for each row: the call, answered with the row's reply (injected into the
 * emulator), fails with the row's kind and the wait, code and words it names; `alsoExpect` checks
 * what every row must hold too.
 */
export function itClassifiesAnswers<S>(
  target: CallUnderTest<S>,
  cases: readonly ClassificationCase[],
  alsoExpect: (err: ChannelApiError, subject: S, row: ClassificationCase) => void,
): void {
  it.each(cases)('$name → $kind', async (row) => {
    const subject = target.setup()
    target.inject({ answer: row.reply })
    const err = await failure(target.call(subject))
    expect(err.kind).toBe(row.kind)
    if (row.retryAfterMs !== undefined) expect(err.details.retryAfterMs).toBe(row.retryAfterMs)
    if (row.code !== undefined) expect(err.details.code).toBe(row.code)
    if (row.says !== undefined) expect(err.message).toContain(row.says)
    alsoExpect(err, subject, row)
  })
}

/**
 * The answers no client can use, injected into the emulator: a dropped connection and an answer held
 * back past `requestTimeoutMs` are transient; one above the size cap is permanent, refused unparsed.
 */
export function itRefusesUnusableAnswers<S>(
  target: CallUnderTest<S>,
  hugeAnswer: (filler: string) => string,
): void {
  it('a network error is transient', async () => {
    const subject = target.setup()
    target.inject({ networkError: true })
    expect((await failure(target.call(subject))).kind).toBe('transient')
  })

  it('an answer that does not complete within requestTimeoutMs is transient', async () => {
    const subject = target.setup({ requestTimeoutMs: 50 })
    target.inject({ delayMs: 1_000 })
    const err = await failure(target.call(subject))
    expect(err.kind).toBe('transient')
    expect(err.message).toMatch(/no complete answer within 50 ms/)
  })

  it('an answer above the size cap is refused, not parsed', async () => {
    const subject = target.setup()
    target.inject({ answer: () => new Response(hugeAnswer('a'.repeat(5 << 20))) })
    const err = await failure(target.call(subject))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/larger than 5242880 bytes/)
  })
}
