import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { connectors } from '../../connectors/index.js'
import { CHANNEL_IDS, type ChannelId } from '../events/index.js'
import { neverLists, StockPolicy } from '../inventory/policy.js'
import { formatIssues } from '../issues.js'
import { DEFAULT_LOCATIONS, parseLocations, type LocationDirectory } from './locations.js'

/** A configured channel account: the `:account` of `/webhooks/:channel/:account`. */
export interface Account {
  readonly channel: ChannelId
  readonly id: string
  /** Validated by the channel connector's `credentials` schema. */
  readonly credentials: unknown
  /** Default: {@link DEFAULT_STOCK_SETTINGS}. */
  readonly stock?: AccountStockSettings
}

/** How the hub pushes stock to an account: the `stock` key of its entry in the accounts file. */
export const AccountStockSettings = z
  .object({
    /** The account's channel policy; a listing's own policy fields override these. */
    policy: StockPolicy.default({}).superRefine((policy, ctx) => {
      const never = neverLists(policy)
      if (never) ctx.addIssue({ code: 'custom', path: [never.field], message: never.reason })
    }),
    /** Stock writes per period for this account; default: the channel's documented limit. */
    pushRate: z
      .object({ max: z.number().int().min(1), durationMs: z.number().int().min(1) })
      .strict()
      .optional(),
    /**
     * Start the account in onboarding: no stock is pushed to it until it is switched live
     * (docs/inventory.md "Onboarding an account"). Default false: live, as before. Once switched,
     * the stored switch wins over this setting.
     */
    onboarding: z.boolean().optional(),
  })
  .strict()
export type AccountStockSettings = z.infer<typeof AccountStockSettings>

/** An account's stock settings when its entry has none. */
export const DEFAULT_STOCK_SETTINGS: AccountStockSettings = { policy: {} }

const AccountHead = z.object({
  channel: z.enum(CHANNEL_IDS),
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, "-" and "_", at most 63'),
})

const AccountsFile = z
  .object({
    accounts: z.array(z.record(z.string(), z.unknown())).min(1),
    /** Where stock is kept (docs/configuration.md, "Locations"); `default` is always one. */
    locations: z.array(z.unknown()).optional(),
  })
  .strict()

/** Reads and validates the accounts file. Every problem is returned, each naming its field. */
export function loadAccountsFile(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
): { accounts: Account[]; locations: LocationDirectory; problems: string[] } {
  let raw: unknown
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    raw = parseYaml(readFileSync(path, 'utf8'))
  } catch (err) {
    return {
      accounts: [],
      locations: DEFAULT_LOCATIONS,
      problems: [`HUB_CONFIG: cannot read ${path}: ${(err as Error).message}`],
    }
  }
  const file = AccountsFile.safeParse(raw)
  if (!file.success)
    return {
      accounts: [],
      locations: DEFAULT_LOCATIONS,
      problems: formatIssues(file.error, 'HUB_CONFIG'),
    }
  const { accounts, problems } = parseAccounts(file.data.accounts, env)
  const locations = parseLocations(file.data.locations ?? [])
  return {
    accounts,
    locations: locations.locations,
    problems: [...problems, ...locations.problems],
  }
}

function parseAccounts(
  entries: readonly Record<string, unknown>[],
  env: Readonly<Record<string, string | undefined>>,
): { accounts: Account[]; problems: string[] } {
  const accounts: Account[] = []
  const problems: string[] = []
  const seen = new Set<string>()
  entries.forEach((entry, i) => {
    const at = `accounts[${i}]`
    const head = AccountHead.safeParse(entry)
    if (!head.success) return void problems.push(...formatIssues(head.error, at))
    const { channel, id } = head.data
    const connector = connectors[channel]
    if (!connector) {
      return void problems.push(`${at}.channel: ${channel} is not supported by this version yet`)
    }
    if (seen.has(`${channel}/${id}`))
      return void problems.push(`${at}.id: duplicate ${channel} account "${id}"`)
    seen.add(`${channel}/${id}`)
    const { channel: _c, id: _i, stock: stockEntry, ...rest } = entry
    const before = problems.length
    const resolved = resolveEnvRefs(rest, env, at, problems)
    if (problems.length > before) return // the missing variables are already named
    const credentials = connector.credentials.safeParse(resolved)
    const stock = AccountStockSettings.safeParse(stockEntry ?? DEFAULT_STOCK_SETTINGS)
    if (!credentials.success) problems.push(...formatIssues(credentials.error, at))
    if (!stock.success) problems.push(...formatIssues(stock.error, `${at}.stock`))
    if (!credentials.success || !stock.success) return
    accounts.push({ channel, id, credentials: credentials.data, stock: stock.data })
  })
  return { accounts, problems }
}

/**
 * Replaces every `{ env: "NAME" }` object with the value of that environment variable, so secrets
 * can stay out of the file. A missing variable is reported with the path that referenced it.
 */
function resolveEnvRefs(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: string,
  problems: string[],
): unknown {
  if (Array.isArray(value))
    return value.map((v, i) => resolveEnvRefs(v, env, `${path}[${i}]`, problems))
  if (value === null || typeof value !== 'object') return value
  const keys = Object.keys(value)
  const ref = (value as { env?: unknown }).env
  if (keys.length === 1 && typeof ref === 'string') {
    const resolved = env[ref]
    if (resolved === undefined || resolved === '') {
      problems.push(`${path}: environment variable ${ref} is not set`)
      return undefined
    }
    return resolved
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, resolveEnvRefs(v, env, `${path}.${k}`, problems)]),
  )
}
