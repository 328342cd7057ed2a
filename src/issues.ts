import type { z } from 'zod'

/** One line per zod issue, `<prefix><path>: <message>`, e.g. `accounts[0].webhookSecrets: list at least one secret`. */
export function formatIssues(error: z.ZodError, prefix: string): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
    return `${prefix ? prefix + path : path.replace(/^\./, '')}: ${issue.message}`
  })
}
