import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SCRIPTS = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'scripts')

/**
 * Makes sure a machine tool a test needs is installed, running its `scripts/install-<tool>.sh` (as
 * `.ci/run` does) when `command --version` cannot run, so a plain `npm test` on a fresh machine
 * has it. The test fails, rather than skipping, when it cannot be installed: what the tool checks
 * would otherwise go unchecked. apt takes a while, so call it from a hook with a long timeout.
 */
export function ensureSystemTool(command: string, script: string): void {
  if (!spawnSync(command, ['--version']).error) return
  const path = join(SCRIPTS, script)
  const install = spawnSync('bash', [path], { encoding: 'utf8' })
  if (install.status !== 0)
    throw new Error(`${path} failed (exit ${install.status}): ${install.stderr.slice(-500)}`)
}
