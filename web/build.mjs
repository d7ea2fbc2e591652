// Builds the pages the server serves into one folder the server reads from its classpath:
//   <out>/<page>.html                  the page (never cached by browsers: it names the current assets)
//   <out>/assets/<page>-<HASH>.js|css   its bundle and styles (content-hashed names: cached for a year)
// Usage: node build.mjs [--out DIR]   (default: ../http/target/classes/web, where Maven packages it)
// A page is src/<page>/index.html + src/<page>/main.js (+ its CSS, imported from main.js); the server serves
// the pages named in PageRoutes.PAGES. Nothing is fetched at run time: every import is bundled.
import * as esbuild from 'esbuild'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
// Every folder of src/ with a main.js is a page (src/shared holds what pages share).
const PAGES = (await readdir(path.join(here, 'src'), { withFileTypes: true }))
  .filter(entry => entry.isDirectory() && existsSync(path.join(here, 'src', entry.name, 'main.js')))
  .map(entry => entry.name).sort()
const outIndex = process.argv.indexOf('--out')
const out = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] : path.join(here, '../http/target/classes/web'))

await rm(out, { recursive: true, force: true })
const result = await esbuild.build({
  entryPoints: Object.fromEntries(PAGES.map(page => [page, path.join(here, 'src', page, 'main.js')])),
  outdir: path.join(out, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  legalComments: 'none',
  metafile: true,
  absWorkingDir: here,
  logLevel: 'warning'
})

const sizes = []
for (const page of PAGES) {
  const outputs = Object.entries(result.metafile.outputs)
    .filter(([, meta]) => meta.entryPoint === `src/${page}/main.js`)
  if (outputs.length !== 1) throw new Error(`page ${page}: expected one bundle, found ${outputs.length}`)
  const [jsFile, jsMeta] = outputs[0] // paths relative to absWorkingDir
  const cssFile = jsMeta.cssBundle
  const assetUrl = (file) => '/assets/' + path.basename(file)
  let html = await readFile(path.join(here, 'src', page, 'index.html'), 'utf8')
  html = html.replace('%SCRIPT%', assetUrl(jsFile)).replace('%STYLE%', cssFile ? assetUrl(cssFile) : '')
  await mkdir(out, { recursive: true })
  await writeFile(path.join(out, page + '.html'), html)
  sizes.push(`${page}: ${path.basename(jsFile)} ${jsMeta.bytes} bytes` +
    (cssFile ? `, ${path.basename(cssFile)} ${result.metafile.outputs[cssFile].bytes} bytes` : ''))
}
console.log(`web pages built into ${out}: ${sizes.join('; ')}`)
