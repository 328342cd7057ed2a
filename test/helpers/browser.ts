import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { ensureSystemTool } from './system-tool.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
/** Where browser tests leave their screenshots (git-ignored; CI keeps it as an artifact). */
export const SCREENSHOTS = join(ROOT, 'test-artifacts/screenshots')

// Debian's chromium, as ../shared/services.md says: headless, and without the background
// connections this machine's closed network refuses (update checks, sync, first-run pages).
const CHROMIUM = '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface TestBrowser {
  /** A fresh context (cookies, storage, credentials of its own) with one page. */
  page(opts?: { credentials?: { username: string; password: string } }): Promise<Page>
  /** Saves the page as `<name>.png` under SCREENSHOTS and returns the path. */
  screenshot(page: Page, name: string): Promise<string>
}

/**
 * One headless chromium for the file, installed first if missing (scripts/install-chromium.sh),
 * and every context it opened closed after the file.
 */
export function useBrowser(): TestBrowser {
  let browser: Browser | undefined
  const contexts: BrowserContext[] = []
  beforeAll(async () => {
    ensureSystemTool('chromium', 'install-chromium.sh')
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  }, 300_000)
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()))
    await browser?.close()
  })
  return {
    async page(opts = {}) {
      if (!browser) throw new Error('useBrowser: the browser is not started yet (use it in a test)')
      const context = await browser.newContext({
        httpCredentials: opts.credentials,
        viewport: { width: 1400, height: 900 },
      })
      contexts.push(context)
      return context.newPage()
    },
    async screenshot(page, name) {
      mkdirSync(SCREENSHOTS, { recursive: true })
      const path = join(SCREENSHOTS, `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    },
  }
}
