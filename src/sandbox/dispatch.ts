/**
 * The emulator's webhook dispatcher: sends the webhooks a channel built to the hub the way a
 * marketplace delivers them, after the channel's webhook faults (webhook-faults.ts): dropped ones
 * never, duplicated ones twice (the copy within a short window), delayed ones later, reordered ones
 * just after the channel's next webhook, the rest at once. A send that fails (no answer, or not a
 * 2xx) is retried with doubling waits, as marketplaces retry: Shopify 8 times over 4 hours
 * (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism), SNS 3 times 20 s apart
 * (https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.retry.html), EventBridge for up to
 * 24 h, TikTok Shop 4 times over about 15 h (channels.md §1 A3, §2, §4 A3). The emulator retries
 * fewer times and sooner (`retries`, `retryBaseMs`): a simulation compresses time.
 *
 * It counts what it did per channel, for a simulation's summary, and `settled()` tells when every
 * send it scheduled has been made, so a simulation can wait for the late webhooks before judging.
 */
import type { ChannelId } from '../events/index.js'
import { sendWebhook } from './send.js'
import type { ChannelState, SignedWebhook, WebhookSender } from './types.js'
import { fateOf } from './webhook-faults.js'

/** What the dispatcher did with one channel's webhooks. */
export interface DispatchCounts {
  /** Webhooks the channel handed over. */
  readonly built: number
  readonly dropped: number
  readonly delayed: number
  readonly duplicated: number
  readonly reordered: number
  /** Copies the hub accepted (2xx), duplicates' second copies included. */
  readonly sent: number
  /** Attempts that failed (no answer, or not a 2xx); each retry that fails counts again. */
  readonly failedSends: number
  /** Copies given up after the last retry, or after an answer the channel does not retry. */
  readonly abandoned: number
  /** Copies still waiting (delayed, held, between retries) when the dispatcher was stopped. */
  readonly cancelled: number
}

/** Timers the dispatcher waits with; tests give manual ones to decide when late sends go. */
export interface Timers {
  set(run: () => void, ms: number): unknown
  clear(handle: unknown): void
}

export interface DispatcherOptions {
  /** Retries after a failed attempt (default 3). */
  readonly retries?: number
  /** Wait before the first retry, doubling for each next one (default 250 ms). */
  readonly retryBaseMs?: number
  /** Default: Node's setTimeout. */
  readonly timers?: Timers
}

const NODE_TIMERS: Timers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/**
 * Answers a channel takes as final: TikTok Shop does not retry a 401, which it counts as a proper
 * response (channels.md §4 A3). Every other failure is retried.
 */
const FINAL_STATUSES: { readonly [C in ChannelId]?: readonly number[] } = {
  'tiktok-shop': [401],
}

type MutableCounts = { -readonly [K in keyof DispatchCounts]: number }

/** One copy of a webhook on its way. */
interface Copy {
  readonly channel: ChannelId
  readonly hubUrl: string
  readonly webhook: SignedWebhook
  readonly counts: MutableCounts
}

export class WebhookDispatcher implements WebhookSender {
  private readonly retries: number
  private readonly retryBaseMs: number
  private readonly timers: Timers
  private readonly byChannel = new Map<ChannelId, MutableCounts>()
  /** Pending timers, with what cancelling each means. */
  private readonly scheduled = new Map<unknown, () => void>()
  /** Reordered copies waiting for their channel's next webhook sent at once, and their window. */
  private readonly held = new Map<ChannelId, { readonly copies: Copy[]; timer: unknown }>()
  /** Copies neither sent, nor given up, nor cancelled yet. */
  private unfinished = 0
  private waiters: (() => void)[] = []
  private stopped = false

  constructor(opts: DispatcherOptions = {}) {
    this.retries = wholeNumber('retries', opts.retries ?? 3)
    this.retryBaseMs = wholeNumber('retryBaseMs', opts.retryBaseMs ?? 250)
    this.timers = opts.timers ?? NODE_TIMERS
  }

  dispatch(state: ChannelState, webhooks: readonly SignedWebhook[], hubUrl = state.hubUrl): void {
    if (hubUrl === undefined)
      throw new Error(
        `no hub URL to send ${state.channel}'s webhooks to: pass one, or set the state's hubUrl`,
      )
    if (!URL.canParse(hubUrl)) throw new Error(`the hub URL ${JSON.stringify(hubUrl)} is not a URL`)
    const counts = this.countsOf(state.channel)
    for (const webhook of webhooks) {
      counts.built += 1
      const copy: Copy = { channel: state.channel, hubUrl, webhook, counts }
      const fate = fateOf(state.webhookFaults)
      if (fate.kind === 'drop') {
        counts.dropped += 1
        continue
      }
      const copies = fate.kind === 'duplicate' ? 2 : 1
      if (this.stopped) {
        counts.cancelled += copies
        continue
      }
      this.unfinished += copies
      switch (fate.kind) {
        case 'send':
          this.sendNow(copy)
          break
        case 'delay':
          counts.delayed += 1
          this.later(copy, fate.afterMs)
          break
        case 'duplicate':
          counts.duplicated += 1
          this.sendNow(copy)
          if (fate.copyAfterMs === 0) void this.send(copy)
          else this.later(copy, fate.copyAfterMs)
          break
        case 'reorder':
          counts.reordered += 1
          this.hold(copy, fate.windowMs)
          break
      }
    }
  }

  /** What was done with `channel`'s webhooks so far. */
  counts(channel: ChannelId): DispatchCounts {
    return { ...this.countsOf(channel) }
  }

  /** Resolves once every send scheduled so far has been made (or given up, or cancelled). */
  settled(): Promise<void> {
    if (this.unfinished === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /**
   * Cancels every send still waiting (counted as cancelled); sends under way finish. Webhooks
   * dispatched afterwards are cancelled at once. For an emulator that is closing.
   */
  stop(): void {
    this.stopped = true
    this.held.clear()
    for (const [handle, cancel] of [...this.scheduled]) {
      this.timers.clear(handle)
      this.scheduled.delete(handle)
      cancel()
    }
  }

  /** Sends at once, then releases what the channel held back for this moment. */
  private sendNow(copy: Copy): void {
    const sending = this.send(copy)
    const waiting = this.held.get(copy.channel)
    if (!waiting) return
    this.held.delete(copy.channel)
    this.timers.clear(waiting.timer)
    this.scheduled.delete(waiting.timer)
    // After this one's answer, so the held ones reach the hub after it however the sockets race.
    void sending.then(() => waiting.copies.forEach((held) => void this.send(held)))
  }

  private later(copy: Copy, ms: number): void {
    this.schedule(
      ms,
      () => void this.send(copy),
      () => this.cancel(copy),
    )
  }

  private hold(copy: Copy, windowMs: number): void {
    const waiting = this.held.get(copy.channel)
    if (waiting) {
      waiting.copies.push(copy)
      return
    }
    const entry = { copies: [copy], timer: undefined as unknown }
    entry.timer = this.schedule(
      windowMs,
      () => {
        this.held.delete(copy.channel)
        entry.copies.forEach((held) => void this.send(held))
      },
      () => entry.copies.forEach((held) => this.cancel(held)),
    )
    this.held.set(copy.channel, entry)
  }

  /** Posts one copy, retrying failures; never rejects. */
  private async send(copy: Copy): Promise<void> {
    const { counts } = copy
    try {
      for (let attempt = 0; ; attempt++) {
        if (this.stopped) {
          counts.cancelled += 1
          return
        }
        const status = await sendWebhook(copy.hubUrl, copy.webhook).catch(() => undefined)
        if (status !== undefined && status >= 200 && status < 300) {
          counts.sent += 1
          return
        }
        counts.failedSends += 1
        const final = status !== undefined && FINAL_STATUSES[copy.channel]?.includes(status)
        if (final || attempt >= this.retries) {
          counts.abandoned += 1
          return
        }
        // Stopping resolves the wait early; the loop then counts the copy cancelled.
        await new Promise<void>((resolve) =>
          this.schedule(this.retryBaseMs * 2 ** attempt, resolve, resolve),
        )
      }
    } finally {
      this.finish(1)
    }
  }

  private cancel(copy: Copy): void {
    copy.counts.cancelled += 1
    this.finish(1)
  }

  private schedule(ms: number, run: () => void, cancel: () => void): unknown {
    const handle: unknown = this.timers.set(() => {
      this.scheduled.delete(handle)
      run()
    }, ms)
    this.scheduled.set(handle, cancel)
    return handle
  }

  private finish(copies: number): void {
    this.unfinished -= copies
    if (this.unfinished > 0) return
    const waiters = this.waiters
    this.waiters = []
    waiters.forEach((resolve) => resolve())
  }

  private countsOf(channel: ChannelId): MutableCounts {
    let counts = this.byChannel.get(channel)
    if (!counts) {
      counts = {
        built: 0,
        dropped: 0,
        delayed: 0,
        duplicated: 0,
        reordered: 0,
        sent: 0,
        failedSends: 0,
        abandoned: 0,
        cancelled: 0,
      }
      this.byChannel.set(channel, counts)
    }
    return counts
  }
}

function wholeNumber(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`the webhook dispatcher's ${name} must be a whole number, not ${value}`)
  return value
}
