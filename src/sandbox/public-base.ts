import type { Context } from 'hono'

/**
 * The request header the msw bridge (test/helpers/emulator-msw.ts) names the base URL the caller
 * used with, so that URLs the emulator hands out (Amazon's presigned feed documents) point where
 * the caller can reach them; absent, the emulator's own address is used.
 */
export const PUBLIC_BASE_HEADER = 'x-emulator-public-base'

/** The base URL a caller reaches this channel's emulated API at, without a trailing slash. */
export function publicBase(c: Context, channel: string): string {
  const base = c.req.header(PUBLIC_BASE_HEADER) ?? `${new URL(c.req.url).origin}/${channel}`
  return base.replace(/\/+$/, '')
}
