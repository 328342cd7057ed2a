#!/usr/bin/env node
// The command line: parses it, answers help, --version and usage errors itself, and loads the hub
// (commands.ts: configuration, PostgreSQL, Redis, HTTP, workers) only for a command that needs it,
// so those answers do not wait for every module of the hub to load.
import { parseCommandLine, USAGE } from './cli/args.js'
import { readImportFile } from './cli/import-file.js'
import { packageVersion } from './config/package-version.js'

/** Exit code of a command line the hub does not understand (as most Unix tools use 2). */
const USAGE_ERROR = 2

async function main(argv: readonly string[]): Promise<number> {
  const invocation = parseCommandLine(argv)
  switch (invocation.kind) {
    case 'help':
      console.log(USAGE)
      return 0
    case 'version':
      console.log(packageVersion())
      return 0
    case 'usage-error':
      console.error(`hub: ${invocation.message} (run "hub help" for usage)`)
      return USAGE_ERROR
    case 'migrate':
      return (await import('./commands.js')).migrateCommand(process.env)
    case 'start':
      return (await import('./commands.js')).startCommand(process.env, invocation.role)
    case 'listings-import': {
      // Read before connecting to anything: a typo in the path should not wait for a database.
      const file = readImportFile(invocation.file)
      if (!file.ok) {
        console.error(file.problem)
        return 1
      }
      return (await import('./commands.js')).listingsImportCommand(
        process.env,
        invocation.file,
        file.text,
      )
    }
    case 'simulate-flash-sale':
      return (await import('./commands.js')).simulateFlashSaleCommand(process.env, invocation.flags)
    case 'simulate-missed-webhooks':
      return (await import('./commands.js')).simulateMissedWebhooksCommand(
        process.env,
        invocation.flags,
      )
    case 'backfill':
      return (await import('./commands.js')).backfillCommand(
        process.env,
        invocation.channel,
        invocation.account,
        invocation.since,
      )
    case 'stock':
      return (await import('./commands.js')).stockCommand(
        process.env,
        invocation.action,
        invocation.channel,
        invocation.account,
      )
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    const { isExplained } = await import('./commands.js')
    if (isExplained(err)) console.error(err.message)
    else console.error('marketplace-hub failed to start:', err)
    process.exit(1)
  },
)
