import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { CHANNEL_IDS, type ChannelId } from '../events/index.js'
import type { Logger } from '../logger.js'
import { DEFAULT_AUTH_FAILURES, type AuthFailureSettings } from './auth-failures.js'
import { emulatedChannels } from './channels.js'
import { WebhookDispatcher, type DispatcherOptions } from './dispatch.js'
import { FaultPlan, faultInjection } from './faults.js'
import { checkSeed, deriveSeed } from './random.js'
import type { ChannelState, EmulatedChannel, WebhookSender } from './types.js'
import { webhookFaultRates, type WebhookFaultSettings } from './webhook-faults.js'

export interface EmulatorOptions {
  readonly host?: string
  /** 0 picks a free port. */
  readonly port: number
  /** The sandbox account id the emulated sellers are (default `demo`). */
  readonly accountId?: string
  /** Where the hub listens, for channels that post webhooks of their own. */
  readonly hubUrl?: string
  /** Failed authentications per address at a token endpoint before 429s (default: DEFAULT_AUTH_FAILURES). */
  readonly authFailures?: AuthFailureSettings
  /** Where lockouts are logged (default: nowhere). */
  readonly log?: Logger
  /**
   * Webhook faults at rates for every channel (webhook-faults.ts); none by default. Each channel
   * draws from its own generator, seeded from `seed` and its id, so one seed replays all four.
   * `state.webhookFaults` changes them per channel at run time.
   */
  readonly webhookFaults?: WebhookFaultSettings
  /** How the emulator's dispatcher retries failed webhook sends (dispatch.ts). */
  readonly webhookRetries?: Omit<DispatcherOptions, 'timers'>
}

export interface RunningEmulator {
  /** Base URL; each channel's API is under `<url>/<channel>`. */
  readonly url: string
  state(channel: ChannelId): ChannelState
  /**
   * Sends webhooks after each channel's faults: the channels' own (Shopify's inventory echo) and
   * those a caller hands it (`dispatcher.dispatch(state, placed.webhooks, hubUrl)`); counts per
   * channel and `settled()`.
   */
  readonly dispatcher: WebhookDispatcher
  /** Stops the server; webhooks still waiting in the dispatcher are cancelled. */
  close(): Promise<void>
}

export function newChannelState(
  channel: ChannelId,
  accountId: string,
  hubUrl?: string,
  opts: Pick<EmulatorOptions, 'authFailures' | 'log' | 'webhookFaults'> & {
    /** Default: a dispatcher of this state's own. */
    readonly dispatcher?: WebhookSender
  } = {},
): ChannelState {
  const settings = opts.webhookFaults
  return {
    channel,
    accountId,
    stock: new Map(),
    orders: new Map(),
    stats: {
      calls: 0,
      stockWrites: 0,
      throttled: 0,
      rejected: 0,
      ordersAccepted: 0,
      ordersRefused: 0,
      authFailures: 0,
      authLockouts: 0,
    },
    throttleNext: 0,
    faults: new FaultPlan(),
    webhookFaults: {
      drop: 0,
      duplicate: 0,
      ...(settings && {
        rates: webhookFaultRates({
          ...settings,
          seed: deriveSeed(checkSeed(settings.seed, 'webhook fault seed'), channel),
        }),
      }),
    },
    dispatcher: opts.dispatcher ?? new WebhookDispatcher(),
    requests: [],
    now: () => new Date(),
    hubUrl,
    authFailures: opts.authFailures ?? DEFAULT_AUTH_FAILURES,
    log: opts.log,
  }
}

/**
 * One channel's API as the emulator serves it, under `/<channel>`: the channel's routes behind
 * fault injection and the request log. The real server and the msw bridge both serve this.
 */
export function channelApp(emulated: EmulatedChannel, state: ChannelState): Hono {
  const mount = `/${emulated.channel}`
  const app = new Hono()
  app.use(`${mount}/*`, faultInjection(mount, state))
  app.route(mount, emulated.routes(state))
  return app
}

/** Starts the local marketplace emulator: one HTTP server speaking all four channels' APIs. */
export function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const states = new Map<ChannelId, ChannelState>()
  const dispatcher = new WebhookDispatcher(opts.webhookRetries)
  const app = new Hono()
  for (const channel of CHANNEL_IDS) {
    const state = newChannelState(channel, opts.accountId ?? 'demo', opts.hubUrl, {
      ...opts,
      dispatcher,
    })
    states.set(channel, state)
    app.route('/', channelApp(emulatedChannels[channel], state))
  }
  app.notFound((c) =>
    c.json({ error: `the emulator does not serve ${c.req.method} ${c.req.path}` }, 404),
  )
  const host = opts.host ?? '127.0.0.1'
  return new Promise((resolve, reject) => {
    const server: ServerType = serve(
      { fetch: app.fetch, hostname: host, port: opts.port },
      (info) =>
        resolve({
          url: `http://${host}:${info.port}`,
          state: (channel) => states.get(channel)!,
          dispatcher,
          close: () =>
            new Promise<void>((done, fail) => {
              dispatcher.stop()
              server.close((err) => (err ? fail(err) : done()))
              if ('closeIdleConnections' in server) server.closeIdleConnections()
            }),
        }),
    )
    server.once('error', reject)
  })
}
