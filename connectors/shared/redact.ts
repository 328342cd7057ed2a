/** What replaces a secret in a message. */
export const REDACTED = '[redacted]'

/**
 * `text` with every occurrence of each secret replaced by {@link REDACTED}, for error messages
 * built from a channel's own error text, which may echo a token back. Values shorter than four
 * characters are left alone: replacing them would garble ordinary words and hide nothing.
 * Longer secrets are replaced first, so one that contains another is not left half visible.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  const usable = secrets
    .filter((s): s is string => s !== undefined && s.length >= 4)
    .sort((a, b) => b.length - a.length)
  return usable.reduce((out, secret) => out.split(secret).join(REDACTED), text)
}
