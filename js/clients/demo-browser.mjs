// The demo page (/demo) in a real browser: Debian's chromium driven by playwright-core. Two tabs (separate
// browser contexts: no shared storage, so they meet only through the server) edit one room at once.
//   node demo-browser.mjs --url http://127.0.0.1:3001 --room r1 --screenshots DIR [--words 12] [--timeout 240000]
//     [--mode mixed]
// --mode mixed (issue 13): tab a on y-websocket, tab b on @hocuspocus/provider (/demo/ROOM?provider=hocuspocus,
//   with ?token=t0k3n) in the same room; both type at once; stdout "mixed" {textA, textB, words, peersA, peersB,
//   caretsA, caretsB, kindA, kindB, urlB, tokenB, statusB}, "token" {token, status} (a tab with ?token=t0k3n
//   on a server without a token verifier), then "done". No stdin commands.
// stdin commands: "killed" (the test has kill -9'ed the server), "restarted" (it listens again, same port
//   and data dir), "quit".
// stdout (JSON lines): "ready" {peersA, peersB, swatchA, swatchB}, "converged" {text, words}, "offline" {status},
//   "recovered" {text} (a fresh tab's view of the restarted server before the two tabs reconnect),
//   "reconnected" {text, texts, statusesA, statusesB}, "token" {url, fieldUrl}, "done" {pageErrors: errors
//   and console errors of the pages, failed WebSocket connections left out}; "page-error" for any error in a page;
//   "timeout" {what} when something does not happen in time (the Java side fails on it).
import { chromium } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { emit, onCommand, hardTimeout, parseArgs } from './common.mjs'

const args = parseArgs(process.argv.slice(2))
const base = args.url
const room = args.room || 'demo'
const shots = args.screenshots || 'screenshots'
const words = Number(args.words || 12)
const WAIT = 60000
hardTimeout(Number(args.timeout || 240000), 'demo-browser')
mkdirSync(shots, { recursive: true })

const pageErrors = []
const commands = []
let commandWaiter = null
onCommand((command) => {
  if (command === 'quit') process.exit(0)
  commands.push(command)
  if (commandWaiter) commandWaiter()
})
async function nextCommand (expected) {
  while (commands.length === 0) await new Promise(resolve => { commandWaiter = resolve })
  const command = commands.shift()
  if (command !== expected) throw new Error(`expected command ${expected}, got ${command}`)
}

/** Waits for fn(arg) to be truthy in the page; on time-out reports `what` and the page's status line. */
async function until (page, what, fn, arg) {
  try {
    await page.waitForFunction(fn, arg, { timeout: WAIT, polling: 100 })
  } catch (e) {
    const now = await state(page).catch(() => null)
    emit({ event: 'timeout', what, state: now, error: String(e).split('\n')[0] })
    throw e
  }
}

const state = (page) => page.evaluate(() => {
  const s = document.getElementById('status')
  return {
    text: window.demo.editor.getText(),
    connection: s.dataset.connection,
    synced: s.dataset.synced === 'true',
    pending: Number(s.dataset.pending),
    status: s.textContent,
    peers: [...document.querySelectorAll('#peers li.peer')].map(li => li.textContent),
    carets: [...document.querySelectorAll('.collaboration-carets__label')].map(l => l.textContent)
  }
})

// Synced, connected, nothing waiting for the durable echo, and every word in `expected` in the document.
const settled = (expected) => {
  const s = document.getElementById('status')
  const text = window.demo.editor.getText()
  return s.dataset.connection === 'connected' && s.dataset.synced === 'true' && s.dataset.pending === '0' &&
    expected.every(w => text.includes(w))
}

async function openTab (browser, name, url, waitSynced = true) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 640 } })
  const page = await context.newPage()
  page.on('pageerror', (e) => {
    pageErrors.push(`${name}: ${e}`)
    emit({ event: 'page-error', tab: name, message: String(e) })
  })
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    emit({ event: 'console-error', tab: name, message: m.text() })
    // Failed WebSocket connections are expected while the server is down or the tab offline; anything else
    // (a refused resource, a Content-Security-Policy violation) is not.
    if (!m.text().startsWith('WebSocket connection to')) pageErrors.push(`${name} console: ${m.text()}`)
  })
  await page.goto(url)
  // Every status line the tab shows, in order (the test reads the disconnect and reconnect from it).
  await page.evaluate(() => {
    window.statusLog = []
    const el = document.getElementById('status')
    const record = () => {
      const line = el.dataset.connection + (el.dataset.synced === 'true' ? '+synced' : '')
      if (window.statusLog[window.statusLog.length - 1] !== line) window.statusLog.push(line)
    }
    record()
    new MutationObserver(record).observe(el, { attributes: true, childList: true, characterData: true, subtree: true })
  })
  if (waitSynced) await until(page, name + ' synced', () => document.getElementById('status').dataset.synced === 'true')
  return { context, page, name }
}

/** Types `count` words "<prefix>-<i>" where the caret is (after `line`'s text), a human-ish 15 ms per key. */
async function typeWords (page, line, prefix, count) {
  const typed = []
  await page.locator('.ProseMirror p').nth(line).click()
  await page.keyboard.press('End')
  for (let i = 0; i < count; i++) {
    const word = `${prefix}-${i}`
    await page.keyboard.type(` ${word}`, { delay: 15 })
    typed.push(word)
  }
  return typed
}

const browser = await chromium.launch({
  executablePath: args.chromium || '/usr/bin/chromium',
  headless: true,
  // Chromium's sandbox refuses to run as root (CI containers run as root).
  args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []
})
if (args.mode === 'mixed') {
  try {
    await mixedProviders()
  } catch (e) {
    emit({ event: 'timeout', what: 'browser script failed', error: String(e).split('\n')[0] })
    process.exitCode = 1
  } finally {
    await browser.close()
  }
  process.exit(process.exitCode || 0)
}

/** One tab on y-websocket, one on the Hocuspocus provider, one room: presence both ways, typing converges. */
async function mixedProviders () {
  const a = await openTab(browser, 'a', `${base}/demo/${encodeURIComponent(room)}`)
  const b = await openTab(browser, 'b', `${base}/demo/${encodeURIComponent(room)}?provider=hocuspocus`)
  for (const [tab, name, colour] of [[a, 'Alice', '#d1495b'], [b, 'Bob', '#2a7ab0']]) {
    await tab.page.fill('#user-name', name)
    await tab.page.locator('#user-color').evaluate((el, c) => { el.value = c; el.dispatchEvent(new Event('input')) }, colour)
  }
  await until(a.page, 'a sees Bob', () => [...document.querySelectorAll('#peers li.peer')].some(li => li.textContent === 'Bob'))
  await until(b.page, 'b sees Alice', () => [...document.querySelectorAll('#peers li.peer')].some(li => li.textContent === 'Alice'))
  await a.page.locator('.ProseMirror').click()
  await a.page.keyboard.type('Alice:')
  await a.page.keyboard.press('Enter')
  await a.page.keyboard.type('Bob:')
  for (const tab of [a, b]) await until(tab.page, tab.name + ' has both lines', settled, ['Alice:', 'Bob:'])
  const [wordsA, wordsB] = await Promise.all([typeWords(a.page, 0, 'alice', words), typeWords(b.page, 1, 'bob', words)])
  const all = [...wordsA, ...wordsB]
  for (const tab of [a, b]) await until(tab.page, tab.name + ' converged', settled, all)
  await until(a.page, 'a shows Bob\'s caret', () => [...document.querySelectorAll('.collaboration-carets__label')].some(l => l.textContent === 'Bob'))
  await until(b.page, 'b shows Alice\'s caret', () => [...document.querySelectorAll('.collaboration-carets__label')].some(l => l.textContent === 'Alice'))
  const [sa, sb] = [await state(a.page), await state(b.page)]
  await b.page.screenshot({ path: path.join(shots, 'demo-hocuspocus.png') })
  const info = (page) => page.evaluate(() => ({
    kind: window.demo.kind,
    url: window.demo.provider.configuration // HocuspocusProvider (y-websocket's provider has none)
      ? window.demo.provider.configuration.websocketProvider.url
      : window.demo.provider.url,
    token: window.demo.provider.configuration ? window.demo.provider.configuration.token : null
  }))
  const [ia, ib] = [await info(a.page), await info(b.page)]
  emit({
    event: 'mixed',
    textA: sa.text,
    textB: sb.text,
    words: all,
    peersA: sa.peers,
    peersB: sb.peers,
    caretsA: sa.carets,
    caretsB: sb.carets,
    kindA: ia.kind,
    kindB: ib.kind,
    urlB: ib.url,
    tokenB: ib.token,
    statusB: sb.status
  })
  // ?token= is the provider's token: this server (anonymous, no verifier) refuses any token, so the tab says so.
  const d = await browser.newContext().then(c => c.newPage())
  await d.goto(`${base}/demo/${encodeURIComponent(room)}?provider=hocuspocus&token=t0k3n`)
  await until(d, 'd shows its token refused', () => document.getElementById('status').textContent.includes('authentication failed'))
  emit({ event: 'token', token: await d.evaluate(() => window.demo.provider.configuration.token), status: (await state(d)).status })
  emit({ event: 'done', pageErrors })
}

try {
  // Both room URL forms: /demo/NAME and /demo?room=NAME.
  const a = await openTab(browser, 'a', `${base}/demo/${encodeURIComponent(room)}`)
  const b = await openTab(browser, 'b', `${base}/demo?room=${encodeURIComponent(room)}`)
  for (const [tab, name, colour] of [[a, 'Alice', '#d1495b'], [b, 'Bob', '#2a7ab0']]) {
    await tab.page.fill('#user-name', name)
    await tab.page.locator('#user-color').evaluate((el, c) => { el.value = c; el.dispatchEvent(new Event('input')) }, colour)
  }
  // Name and colour travel in separate awareness updates: wait for both, or the swatch may still show the random colour.
  const seesPeer = (page, label, name, rgb) => until(page, label, ([n, c]) => [...document.querySelectorAll('#peers li.peer')]
    .some(li => li.textContent === n && li.querySelector('.swatch')?.style.background === c), [name, rgb])
  await seesPeer(a.page, 'a sees Bob in his colour', 'Bob', 'rgb(42, 122, 176)')
  await seesPeer(b.page, 'b sees Alice in her colour', 'Alice', 'rgb(209, 73, 91)')
  const swatch = (page) => page.evaluate(() => [...document.querySelectorAll('#peers li.peer .swatch')].map(s => s.style.background))
  emit({ event: 'ready', peersA: (await state(a.page)).peers, peersB: (await state(b.page)).peers, swatchA: await swatch(a.page), swatchB: await swatch(b.page) })

  // One line each (typing at the same spot would interleave the two words letter by letter, as Yjs may),
  // then both type at once.
  await a.page.locator('.ProseMirror').click()
  await a.page.keyboard.type('Alice:')
  await a.page.keyboard.press('Enter')
  await a.page.keyboard.type('Bob:')
  for (const tab of [a, b]) await until(tab.page, tab.name + ' has both lines', settled, ['Alice:', 'Bob:'])
  const [wordsA, wordsB] = await Promise.all([typeWords(a.page, 0, 'alice', words), typeWords(b.page, 1, 'bob', words)])
  const all = [...wordsA, ...wordsB]
  for (const tab of [a, b]) await until(tab.page, tab.name + ' converged', settled, all)
  // Each tab shows the other's caret with its name (the last tab to type keeps its caret in the text).
  await until(a.page, 'a shows Bob\'s caret', () => [...document.querySelectorAll('.collaboration-carets__label')].some(l => l.textContent === 'Bob'))
  await until(b.page, 'b shows Alice\'s caret', () => [...document.querySelectorAll('.collaboration-carets__label')].some(l => l.textContent === 'Alice'))
  const [sa, sb] = [await state(a.page), await state(b.page)]
  await a.page.screenshot({ path: path.join(shots, 'demo-alice.png') })
  await b.page.screenshot({ path: path.join(shots, 'demo-bob.png') })
  emit({ event: 'converged', text: sa.text, textB: sb.text, words: all, caretsA: sa.carets, caretsB: sb.carets, status: sa.status })

  // kill -9: both tabs notice; what they type now waits for the durable echo.
  await nextCommand('killed')
  for (const tab of [a, b]) {
    await until(tab.page, tab.name + ' notices the lost connection', () => document.getElementById('status').dataset.connection !== 'connected')
  }
  // Keep the two tabs off the network until a fresh tab has read what the restarted server recovered:
  // otherwise their reconnection would re-send everything and hide a loss.
  for (const tab of [a, b]) await tab.context.setOffline(true)
  const offlineA = await typeWords(a.page, 0, 'alice-offline', 2)
  const offlineB = await typeWords(b.page, 1, 'bob-offline', 2)
  await until(a.page, 'a counts its offline edits', () => Number(document.getElementById('status').dataset.pending) > 0)
  await a.page.screenshot({ path: path.join(shots, 'demo-offline.png') })
  emit({ event: 'offline', status: (await state(a.page)).status, pending: (await state(a.page)).pending })

  await nextCommand('restarted')
  const c = await openTab(browser, 'c', `${base}/demo/${encodeURIComponent(room)}`)
  emit({ event: 'recovered', text: (await state(c.page)).text })

  for (const tab of [a, b]) await tab.context.setOffline(false)
  const everything = [...all, ...offlineA, ...offlineB]
  for (const tab of [a, b, c]) await until(tab.page, tab.name + ' reconnected and converged', settled, everything)
  const texts = await Promise.all([a, b, c].map(async tab => (await state(tab.page)).text))
  await a.page.screenshot({ path: path.join(shots, 'demo-reconnected.png') })
  emit({
    event: 'reconnected',
    text: texts[0],
    texts,
    offlineWords: [...offlineA, ...offlineB],
    statusesA: await a.page.evaluate(() => window.statusLog),
    statusesB: await b.page.evaluate(() => window.statusLog)
  })
  // With a token: ?token= goes to the WebSocket URL as y-websocket params, and the server verifies it (--token1,
  // --token2: valid tokens of the test's server; a token the field sets reconnects with it).
  const token1 = args.token1 || 't0k3n'
  const token2 = args.token2 || 'other-token'
  const d = await openTab(browser, 'd', `${base}/demo/${encodeURIComponent(room)}?token=${encodeURIComponent(token1)}`)
  const tokenUrl = await d.page.evaluate(() => window.demo.provider.url)
  await d.page.click('#auth summary')
  await d.page.fill('#token', token2)
  await d.page.click('#token-form button')
  await until(d.page, 'd reconnects with the token from the field', (t) =>
    window.demo.provider.url.endsWith(`?token=${t}`) && document.getElementById('status').dataset.synced === 'true', encodeURIComponent(token2))
  emit({ event: 'token', url: tokenUrl, fieldUrl: await d.page.evaluate(() => window.demo.provider.url) })
  emit({ event: 'done', pageErrors })
} catch (e) {
  emit({ event: 'timeout', what: 'browser script failed', error: String(e).split('\n')[0] })
  process.exitCode = 1
} finally {
  await browser.close()
}
process.exit(process.exitCode || 0)
