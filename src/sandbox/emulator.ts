import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { CHANNEL_IDS, type ChannelId } from '../events/index.js'
import type { Logger } from '../logger.js'
import { DEFAULT_AUTH_FAILURES, type AuthFailureSettings } from './auth-failures.js'
import { emulatedChannels } from './channels.js'
import { FaultPlan, faultInjection } from './faults.js'
import type { ChannelState, EmulatedChannel } from './types.js'

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
}

export interface RunningEmulator {
  /** Base URL; each channel's API is under `<url>/<channel>`. */
  readonly url: string
  state(channel: ChannelId): ChannelState
  close(): Promise<void>
}

export function newChannelState(
  channel: ChannelId,
  accountId: string,
  hubUrl?: string,
  opts: Pick<EmulatorOptions, 'authFailures' | 'log'> = {},
): ChannelState {
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
    webhookFaults: { drop: 0, duplicate: 0 },
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
  const app = new Hono()
  for (const channel of CHANNEL_IDS) {
    const state = newChannelState(channel, opts.accountId ?? 'demo', opts.hubUrl, opts)
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
          close: () =>
            new Promise<void>((done, fail) => {
              server.close((err) => (err ? fail(err) : done()))
              if ('closeIdleConnections' in server) server.closeIdleConnections()
            }),
        }),
    )
    server.once('error', reject)
  })
}
