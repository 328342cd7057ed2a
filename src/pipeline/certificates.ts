import { X509Certificate } from 'node:crypto'
import { rootCertificates } from 'node:tls'
import type { CertificateCheckContext, CertificateVerdict } from '../../connectors/index.js'
import type { HttpTransport } from '../outbound/transport.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'

/** What fetching a signing certificate gave. */
export type CertificateFetch =
  /** The checked leaf certificate, to verify signatures with. */
  | { readonly kind: 'ok'; readonly pem: string }
  /**
   * The host answered, but with no certificate the scheme trusts (4xx, not a PEM, or refused by
   * the scheme's check: wrong name, expired, no chain to a trusted root): the signature fails.
   */
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string }

/** The connector's check of what a certificate URL served (`WebhookIngress.checkCertificate`). */
export type CertificateCheck = (pem: string, ctx: CertificateCheckContext) => CertificateVerdict

export interface CertificateCache {
  /** Throws when the host cannot be reached: a transient fault, so the sender should retry. */
  get(url: string, check: CertificateCheck): Promise<CertificateFetch>
}

const TTL_MS = 24 * 3_600_000
const MAX_ENTRIES = 64
/** Amazon's SNS certificates are about 2 KiB; anything much larger is not one. */
const MAX_PEM_BYTES = 16_384
const TIMEOUT_MS = 2_000

/**
 * Signing certificates by URL, fetched at most once per URL and day (never past the
 * certificate's own expiry) and shared by concurrent requests. Only URLs a connector approved
 * (host checks) ever reach it, and only certificates the connector's check accepts are kept:
 * a refused one is logged with the reason and fetched again next time. Bounded: the oldest entry
 * goes when it is full.
 */
export function createCertificateCache(
  transport: HttpTransport,
  clock: Clock,
  opts: {
    readonly log: Logger
    /** Trust anchors for the chain check; default: Node's bundled root store. */
    readonly roots?: readonly X509Certificate[]
  },
): CertificateCache {
  const entries = new Map<string, { readonly pem: string; readonly until: number }>()
  const inFlight = new Map<string, Promise<CertificateFetch>>()
  let roots = opts.roots

  async function fetchPem(url: string, check: CertificateCheck): Promise<CertificateFetch> {
    const res = await transport(url, { method: 'GET', headers: {}, timeoutMs: TIMEOUT_MS })
    const text = await res.text(MAX_PEM_BYTES)
    if (res.status >= 500) throw new Error(`certificate host answered ${res.status}`)
    const refused = (reason: string): CertificateFetch => {
      opts.log.warn({ url, status: res.status, reason }, 'signing certificate refused')
      return { kind: 'refused', status: res.status, reason }
    }
    if (res.status !== 200) return refused(`certificate host answered ${res.status}`)
    const now = clock.now()
    roots ??= rootCertificates.map((pem) => new X509Certificate(pem))
    const verdict = check(text, { url, now, roots })
    if (!verdict.ok) return refused(verdict.reason)
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string)
    const until = Math.min(now.getTime() + TTL_MS, verdict.notAfter.getTime())
    entries.set(url, { pem: verdict.pem, until })
    return { kind: 'ok', pem: verdict.pem }
  }

  return {
    get(url, check) {
      const cached = entries.get(url)
      if (cached && cached.until > clock.now().getTime()) {
        return Promise.resolve({ kind: 'ok', pem: cached.pem })
      }
      const pending = inFlight.get(url)
      if (pending) return pending
      const started = fetchPem(url, check).finally(() => inFlight.delete(url))
      inFlight.set(url, started)
      return started
    },
  }
}
