// What the browser tests' scripts share (admin-browser.mjs; demo-browser.mjs has its own copies for now):
// Debian's chromium through playwright-core, pages that report their errors, waits that say what timed out.
import { chromium } from 'playwright-core'
import { emit } from './common.mjs'

export const WAIT = 60000

/** Debian's chromium (no browser download is reachable here); as root without its sandbox, which refuses root. */
export function launchChromium (args) {
  return chromium.launch({
    executablePath: args.chromium || '/usr/bin/chromium',
    headless: true,
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []
  })
}

/**
 * A page in its own browser context (no shared storage: tabs meet only through the server); its errors are
 * pushed to `pageErrors` and reported as "page-error" / "console-error" lines.
 */
export async function openPage (browser, name, url, pageErrors, viewport) {
  const context = await browser.newContext({ viewport: viewport || { width: 1100, height: 640 } })
  const page = await context.newPage()
  page.on('pageerror', (e) => {
    pageErrors.push(`${name}: ${e}`)
    emit({ event: 'page-error', tab: name, message: String(e) })
  })
  page.on('console', (m) => { if (m.type() === 'error') emit({ event: 'console-error', tab: name, message: m.text() }) })
  await page.goto(url)
  return { context, page, name }
}

/** Waits for fn(arg) to be truthy in the page; on time-out reports `what` and describe(page)'s answer. */
export async function until (page, what, fn, arg, describe) {
  try {
    await page.waitForFunction(fn, arg, { timeout: WAIT, polling: 100 })
  } catch (e) {
    const state = describe ? await describe(page).catch(() => null) : null
    emit({ event: 'timeout', what, state, error: String(e).split('\n')[0] })
    throw e
  }
}

/** Runs the script's steps, reports a failure as a "timeout" line (the Java side fails on it), always closes the browser. */
export async function runScript (browser, steps) {
  try {
    await steps()
  } catch (e) {
    emit({ event: 'timeout', what: 'browser script failed', error: String(e).split('\n')[0] })
    process.exitCode = 1
  } finally {
    await browser.close()
  }
  process.exit(process.exitCode || 0)
}
