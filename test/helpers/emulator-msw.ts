// The marketplace emulator behind msw, for tests of the hub's channel clients: a client calls the
// channel's real base URL (or any URL the test names), msw intercepts the call and hands it to the
// emulator's app for that channel, and the emulator answers as the channel would. msw is only the
// interception layer; the emulator (src/sandbox/<channel>/) is the one fake of each marketplace.
// Every test gets a fresh seller; faults and the request log are on its state.
import { http, HttpResponse } from 'msw'
import { beforeEach } from 'vitest'
import { channelApp, newChannelState } from '../../src/sandbox/emulator.js'
import { NETWORK_ERROR_HEADER } from '../../src/sandbox/faults.js'
import { PUBLIC_BASE_HEADER } from '../../src/sandbox/public-base.js'
import type { ChannelState, EmulatedChannel } from '../../src/sandbox/types.js'
import { mswServer } from '../setup-msw.js'

export interface EmulatorOverMsw {
  /** This test's seller (stock, orders, faults, requests, clock); fresh for every test. */
  readonly state: ChannelState
}

export interface EmulatorOverMswOptions {
  /**
   * Base URLs the channel is called at. A request under one is served by the emulator at the same
   * path below the base, e.g. base `https://store.myshopify.com` sends
   * `https://store.myshopify.com/admin/api/2026-10/graphql.json` to the emulated
   * `/admin/api/2026-10/graphql.json`.
   */
  readonly bases: readonly string[]
  /** The marketplace's clock for this test's seller (default: real time). */
  readonly now?: () => Date
  /** The seller's account id (default `demo`). */
  readonly accountId?: string
}

/** Registers hooks serving `emulated` through msw at `bases` for every test of the calling file. */
export function useEmulatorOverMsw(
  emulated: EmulatedChannel,
  opts: EmulatorOverMswOptions,
): EmulatorOverMsw {
  let state: ChannelState | undefined
  beforeEach(() => {
    const current = newChannelState(emulated.channel, opts.accountId ?? 'demo')
    if (opts.now) current.now = opts.now
    state = current
    const app = channelApp(emulated, current)
    mswServer.use(
      ...opts.bases.map((base) => {
        const prefix = base.replace(/\/+$/, '')
        return http.all(`${prefix}/*`, async ({ request }) => {
          const url = new URL(request.url)
          const below = url.pathname.slice(new URL(prefix).pathname.replace(/\/$/, '').length)
          // The emulator hands out URLs (presigned documents) at the base the caller used.
          const headers = new Headers(request.headers)
          headers.set(PUBLIC_BASE_HEADER, prefix)
          const forwarded = new Request(
            `http://emulator.invalid/${emulated.channel}${below}${url.search}`,
            {
              method: request.method,
              headers,
              body: ['GET', 'HEAD'].includes(request.method) ? undefined : await request.text(),
            },
          )
          const answer = await app.fetch(forwarded)
          return answer.headers.has(NETWORK_ERROR_HEADER) ? HttpResponse.error() : answer
        })
      }),
    )
  })
  return {
    get state() {
      if (!state) throw new Error('emulator used outside a test')
      return state
    },
  }
}
