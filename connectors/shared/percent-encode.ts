/**
 * `value` as one URL path segment or query value: every character except RFC 3986's unreserved
 * set (`A-Z a-z 0-9 - . _ ~`, §2.3) percent-encoded as UTF-8 bytes, space as `%20` (never `+`).
 * `encodeURIComponent` leaves `! ' ( ) *` alone, which channels such as Walmart and Amazon ask to
 * be encoded in SKUs (https://developer-docs.amazon.com/sp-api/docs/url-encoding), so those are
 * encoded here too. Throws `URIError` for a string with a lone surrogate (not valid Unicode).
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}
