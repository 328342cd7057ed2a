/**
 * X.509 chain checks with node:crypto's X509Certificate, for signing certificates fetched from a
 * URL (Amazon SNS). Pure: the trust anchors and the time are arguments, so a test can trust a CA
 * it generated instead of switching the check off.
 */
import { X509Certificate } from 'node:crypto'

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g
/** A leaf and a few intermediates; a longer "chain" is not a signing certificate. */
const MAX_PEM_BLOCKS = 4
/** Links above the leaf: real chains have one or two intermediates. */
const MAX_DEPTH = 4

/** The certificates of a PEM text, leaf first, or why it holds none the hub can use. */
export function parsePemCertificates(
  pem: string,
): { readonly ok: true; readonly certs: readonly X509Certificate[] } | FailedCheck {
  const blocks = pem.match(PEM_BLOCK) ?? []
  if (blocks.length === 0) return failed('no PEM certificate in the response')
  if (blocks.length > MAX_PEM_BLOCKS) return failed(`more than ${MAX_PEM_BLOCKS} certificates`)
  try {
    return { ok: true, certs: blocks.map((block) => new X509Certificate(block)) }
  } catch {
    return failed('a certificate could not be parsed')
  }
}

export interface FailedCheck {
  readonly ok: false
  readonly reason: string
}

/**
 * Undefined when `leaf` chains, through `intermediates` (each a CA that signed the one below it),
 * to one of `roots`, with every certificate on the way valid at `now`; otherwise the reason.
 */
export function chainProblem(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: Date,
): string | undefined {
  let current = leaf
  for (let depth = 0; depth <= MAX_DEPTH; depth += 1) {
    if (!validAt(current, now)) return `${describe(current)} is not valid at ${now.toISOString()}`
    const root = roots.find((candidate) => issuedBy(current, candidate))
    if (root) {
      return validAt(root, now)
        ? undefined
        : `root ${describe(root)} is not valid at ${now.toISOString()}`
    }
    const next = intermediates.find((candidate) => candidate.ca && issuedBy(current, candidate))
    if (!next)
      return `no trusted issuer for ${describe(current)} (issuer ${oneLine(current.issuer)})`
    current = next
  }
  return `chain longer than ${MAX_DEPTH} certificates`
}

/** True when `cert` is currently within its validity period. */
export function validAt(cert: X509Certificate, now: Date): boolean {
  const time = now.getTime()
  return Date.parse(cert.validFrom) <= time && time <= Date.parse(cert.validTo)
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  // checkIssued compares names (and key identifiers); verify checks the signature itself.
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey)
}

function describe(cert: X509Certificate): string {
  return `"${oneLine(cert.subject)}"`
}

function oneLine(name: string): string {
  return name.split('\n').join(', ')
}

function failed(reason: string): FailedCheck {
  return { ok: false, reason }
}
