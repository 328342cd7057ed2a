import { parseArgs } from 'node:util'

export const USAGE = `usage: hub <command> [options]

commands:
  start [--role api|worker|all]   run the hub (default role: all, or $ROLE)
  migrate                         create the database if missing and apply migrations
  listings import <file.csv>      create or replace listings from a CSV file (docs/inventory.md)
  simulate flash-sale [--sku S] [--orders N] [--on-hand N] [--channels all|a,b]
                      [--duplicates N] [--over MS] [--allocation partitioned|shared|auto]
                                  a flash sale against the built-in marketplace emulator, in its
                                  own database and queues: N buyers over MS milliseconds; prints
                                  orders, final quantities, pushes, allocation moves, units left
                                  unsold and oversold units
  backfill --channel C --account A --since DATE
                                  read the account's orders changed since DATE (2026-11-01 or
                                  an ISO time) from its channel into the hub, with progress;
                                  run it again to resume (docs/completeness.md)
  simulate missed-webhooks [--orders N] [--over MS] [--seed N]
                                  N orders per channel over MS milliseconds (a day, compressed)
                                  with 30% of webhooks dropped, 10% delayed, 10% duplicated;
                                  prints what polling recovered; exit 1 if an order is missing
  stock adopt|dry-run|go-live|onboarding --channel C --account A
                                  onboard a channel account (docs/inventory.md): adopt its
                                  listings' channel quantities as starting on-hand, show the
                                  first push per listing, switch it live or back to onboarding
  help                            this text (also --help, -h)

options:
  --version, -v                   print the version and exit

configuration is read from environment variables; see docs/configuration.md.`

export interface FlashSaleFlags {
  readonly sku: string
  readonly orders: number
  readonly onHand: number
  readonly channels: string
  readonly duplicates: number
  readonly overMs: number
  /** The listings' allocation mode (docs/inventory.md, "Allocation"). */
  readonly allocation: 'shared' | 'partitioned' | 'auto'
}

export interface MissedWebhooksFlags {
  /** Buyer orders per channel over the simulated day. */
  readonly orders: number
  /** The day, compressed into this many milliseconds. */
  readonly overMs: number
  /** Seeds which webhooks are dropped, delayed and duplicated. */
  readonly seed: number
}

/** What the command line asks for; a usage error carries one line saying what is wrong. */
export type Invocation =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'usage-error'; readonly message: string }
  | { readonly kind: 'start'; readonly role: 'api' | 'worker' | 'all' | undefined }
  | { readonly kind: 'migrate' }
  | { readonly kind: 'listings-import'; readonly file: string }
  | { readonly kind: 'simulate-flash-sale'; readonly flags: FlashSaleFlags }
  | { readonly kind: 'simulate-missed-webhooks'; readonly flags: MissedWebhooksFlags }
  | {
      readonly kind: 'backfill'
      /** As given: commands.ts checks it is a channel the hub knows (exit 2 if not). */
      readonly channel: string
      readonly account: string
      readonly since: string
    }
  | {
      readonly kind: 'stock'
      readonly action: StockAction
      /** As given: commands.ts checks it is a channel the hub knows (exit 2 if not). */
      readonly channel: string
      readonly account: string
    }

export const STOCK_ACTIONS = ['adopt', 'dry-run', 'go-live', 'onboarding'] as const
export type StockAction = (typeof STOCK_ACTIONS)[number]

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  role: { type: 'string' },
  sku: { type: 'string' },
  orders: { type: 'string' },
  'on-hand': { type: 'string' },
  channels: { type: 'string' },
  duplicates: { type: 'string' },
  over: { type: 'string' },
  allocation: { type: 'string' },
  channel: { type: 'string' },
  account: { type: 'string' },
  since: { type: 'string' },
  seed: { type: 'string' },
} as const

type OptionName = keyof typeof OPTIONS

/** Which options each command takes, so `hub migrate --role api` is refused, not ignored. */
const COMMAND_OPTIONS: Readonly<Record<string, readonly OptionName[]>> = {
  start: ['role'],
  migrate: [],
  listings: [],
  simulate: ['sku', 'orders', 'on-hand', 'channels', 'duplicates', 'over', 'allocation', 'seed'],
  backfill: ['channel', 'account', 'since'],
  stock: ['channel', 'account'],
  help: [],
}

/** Reads argv (without node and the script) into an Invocation; never throws. */
export function parseCommandLine(argv: readonly string[]): Invocation {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (err) {
    return { kind: 'usage-error', message: parseArgsProblem(err) }
  }
  const { values, positionals } = parsed
  const [command, ...rest] = positionals
  if (values.version) return { kind: 'version' }
  if (values.help || command === 'help') return { kind: 'help' }
  if (command === undefined) return { kind: 'usage-error', message: 'no command given' }
  const allowed = COMMAND_OPTIONS[command]
  if (!allowed) return { kind: 'usage-error', message: `unknown command "${command}"` }
  const given = (Object.keys(values) as OptionName[]).filter((o) => values[o] !== undefined)
  const foreign = given.find((o) => !allowed.includes(o))
  if (foreign)
    return { kind: 'usage-error', message: `hub ${command} takes no --${foreign} option` }

  switch (command) {
    case 'start': {
      if (rest.length > 0) return unexpected(command, rest)
      const role = values.role
      if (role !== undefined && role !== 'api' && role !== 'worker' && role !== 'all')
        return { kind: 'usage-error', message: `--role must be api, worker or all (got "${role}")` }
      return { kind: 'start', role }
    }
    case 'migrate':
      return rest.length > 0 ? unexpected(command, rest) : { kind: 'migrate' }
    case 'listings': {
      const [sub, file, ...extra] = rest
      if (sub !== 'import')
        return { kind: 'usage-error', message: 'usage: hub listings import <file.csv>' }
      if (!file) return { kind: 'usage-error', message: 'hub listings import: name the CSV file' }
      if (extra.length > 0) return unexpected('listings import', extra)
      return { kind: 'listings-import', file }
    }
    case 'simulate': {
      const [sub, ...extra] = rest
      if (sub === 'missed-webhooks') return missedWebhooks(values, extra)
      if (sub !== 'flash-sale')
        return {
          kind: 'usage-error',
          message: 'usage: hub simulate flash-sale|missed-webhooks [options]',
        }
      if (extra.length > 0) return unexpected('simulate flash-sale', extra)
      if (values.seed !== undefined)
        return { kind: 'usage-error', message: 'hub simulate flash-sale takes no --seed option' }
      const counts = { orders: '100', 'on-hand': '100', duplicates: '1', over: '0' }
      for (const name of Object.keys(counts) as (keyof typeof counts)[]) {
        const value = values[name] ?? counts[name]
        if (!/^\d+$/.test(value))
          return {
            kind: 'usage-error',
            message: `--${name} must be a whole number (got "${value}")`,
          }
        counts[name] = value
      }
      const allocation = values.allocation ?? 'partitioned'
      if (allocation !== 'shared' && allocation !== 'partitioned' && allocation !== 'auto')
        return {
          kind: 'usage-error',
          message: `--allocation must be partitioned, shared or auto (got "${allocation}")`,
        }
      return {
        kind: 'simulate-flash-sale',
        flags: {
          sku: values.sku ?? 'FLASH-SALE-SKU',
          orders: Number(counts.orders),
          onHand: Number(counts['on-hand']),
          channels: values.channels ?? 'all',
          duplicates: Number(counts.duplicates),
          overMs: Number(counts.over),
          allocation,
        },
      }
    }
    case 'stock': {
      const [sub, ...extra] = rest
      const action = STOCK_ACTIONS.find((a) => a === sub)
      if (!action)
        return {
          kind: 'usage-error',
          message: `usage: hub stock ${STOCK_ACTIONS.join('|')} --channel <channel> --account <id>`,
        }
      if (extra.length > 0) return unexpected(`stock ${action}`, extra)
      for (const name of ['channel', 'account'] as const)
        if (!values[name])
          return { kind: 'usage-error', message: `hub stock ${action}: --${name} is required` }
      return { kind: 'stock', action, channel: values.channel!, account: values.account! }
    }
    case 'backfill': {
      if (rest.length > 0) return unexpected(command, rest)
      for (const name of ['channel', 'account', 'since'] as const)
        if (!values[name])
          return { kind: 'usage-error', message: `hub backfill: --${name} is required` }
      return {
        kind: 'backfill',
        channel: values.channel!,
        account: values.account!,
        since: values.since!,
      }
    }
    default:
      return { kind: 'usage-error', message: `unknown command "${command}"` }
  }
}

const FLASH_SALE_ONLY = ['sku', 'on-hand', 'channels', 'duplicates', 'allocation'] as const

function missedWebhooks(
  values: Partial<Record<OptionName, string | boolean>>,
  extra: readonly string[],
): Invocation {
  if (extra.length > 0) return unexpected('simulate missed-webhooks', extra)
  const foreign = FLASH_SALE_ONLY.find((o) => values[o] !== undefined)
  if (foreign)
    return {
      kind: 'usage-error',
      message: `hub simulate missed-webhooks takes no --${foreign} option`,
    }
  const counts = { orders: '100', over: '60000', seed: '16' }
  for (const name of Object.keys(counts) as (keyof typeof counts)[]) {
    const value = values[name] ?? counts[name]
    if (typeof value !== 'string' || !/^\d+$/.test(value))
      return {
        kind: 'usage-error',
        message: `--${name} must be a whole number (got "${String(value)}")`,
      }
    counts[name] = value
  }
  if (Number(counts.orders) < 1)
    return { kind: 'usage-error', message: '--orders must be at least 1' }
  return {
    kind: 'simulate-missed-webhooks',
    flags: {
      orders: Number(counts.orders),
      overMs: Number(counts.over),
      seed: Number(counts.seed),
    },
  }
}

function unexpected(command: string, extra: readonly string[]): Invocation {
  return { kind: 'usage-error', message: `hub ${command}: unexpected argument "${extra[0]}"` }
}

/** node's parseArgs errors, in one short line (its own messages run to three sentences). */
function parseArgsProblem(err: unknown): string {
  const { code, message } = err as { code?: string; message?: string }
  const quoted = /'([^']+)'/.exec(message ?? '')?.[1] ?? ''
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${quoted}`
  const option = quoted
    .replace(/ <value>$/, '')
    .split(', ')
    .at(-1)
  if (/argument missing/.test(message ?? '')) return `option ${option} needs a value`
  if (/does not take an argument/.test(message ?? '')) return `option ${option} takes no value`
  if (/ambiguous/.test(message ?? ''))
    return `option ${option}: write a value starting with "-" as ${option}=<value>`
  return (message ?? String(err)).split('. ')[0]!
}
