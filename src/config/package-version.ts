import { readFileSync } from 'node:fs'

/**
 * The version in package.json. The entry point runs from `src/` (tsx) or `dist/src/` (built), so
 * the file is looked for one and two folders up; the Docker image copies it beside `dist/`.
 */
export function packageVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === 'marketplace-hub' && pkg.version) return pkg.version
    } catch {
      // Not at this depth; try the next.
    }
  }
  return 'unknown'
}
