import type { HttpTransport } from '../../connectors/shared/transport.js'
import type { Clock } from '../clock.js'

/** What fetching a signing certificate gave. */
export type CertificateFetch =
  | { readonly kind: 'ok'; readonly pem: string }
  /** The host answered, but with no certificate (4xx, or not a PEM): the signature cannot verify. */
  | { readonly kind: 'refused'; readonly status: number }

export interface CertificateCache {
  /** Throws when the host cannot be reached: a transient fault, so the sender should retry. */
  get(url: string): Promise<CertificateFetch>
}

const TTL_MS = 24 * 3_600_000
const MAX_ENTRIES = 64
/** Amazon's SNS certificates are about 2 KiB; anything much larger is not one. */
const MAX_PEM_BYTES = 16_384
const TIMEOUT_MS = 2_000

/**
 * Signing certificates by URL, fetched at most once per URL and day and shared by concurrent
 * requests. Only URLs a connector approved (host checks) ever reach it. Bounded: the oldest entry
 * goes when it is full.
 */
export function createCertificateCache(transport: HttpTransport, clock: Clock): CertificateCache {
  const entries = new Map<string, { readonly pem: string; readonly until: number }>()
  const inFlight = new Map<string, Promise<CertificateFetch>>()

  async function fetchPem(url: string): Promise<CertificateFetch> {
    const res = await transport(url, { method: 'GET', headers: {}, timeoutMs: TIMEOUT_MS })
    const text = await res.text(MAX_PEM_BYTES)
    if (res.status >= 500) throw new Error(`certificate host answered ${res.status}`)
    if (res.status !== 200 || !text.includes('-----BEGIN CERTIFICATE-----')) {
      return { kind: 'refused', status: res.status }
    }
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string)
    entries.set(url, { pem: text, until: clock.now().getTime() + TTL_MS })
    return { kind: 'ok', pem: text }
  }

  return {
    get(url) {
      const cached = entries.get(url)
      if (cached && cached.until > clock.now().getTime()) {
        return Promise.resolve({ kind: 'ok', pem: cached.pem })
      }
      const pending = inFlight.get(url)
      if (pending) return pending
      const started = fetchPem(url).finally(() => inFlight.delete(url))
      inFlight.set(url, started)
      return started
    },
  }
}
