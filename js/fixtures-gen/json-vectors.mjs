// Generates ycrdt/src/test/resources/org/civicpress/ycrdt/lib0/json-vectors.tsv with real JavaScript:
//   node js/fixtures-gen/json-vectors.mjs > ycrdt/src/test/resources/org/civicpress/ycrdt/lib0/json-vectors.tsv
// Rows: num <float64 bits hex> <String(n)>   |   json <input JSON> <JSON.stringify(JSON.parse(input))> | bad <input>
const out = []
const dv = new DataView(new ArrayBuffer(8))
const bits = n => { dv.setFloat64(0, n); return Buffer.from(new Uint8Array(dv.buffer)).toString('hex') }
const nums = [0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 1e21, 1e20, 123456789012345680000, 1e-6, 1e-7, 1.5e-7, 123e-20, 5e-324, 1.7976931348623157e308,
  2 ** 53, 2 ** 53 + 2, 2 ** 60, 2 ** 64, 9007199254740993, 1e15 + 0.5, 100.25, -0.000001, -1e-7, 4.35, 0.000123, 2.82879384806159e17, 1e23, 2e23,
  5e-7, 3.14159, -42.5, 1e100, 1.2345678901234567e-300]
let seed = 7
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
for (let i = 0; i < 300; i++) {
  const e = Math.floor(rnd() * 80) - 40
  nums.push((rnd() - 0.5) * Math.pow(10, e))
}
for (let i = 0; i < 100; i++) { dv.setUint32(0, Math.floor(rnd() * 2 ** 32)); dv.setUint32(4, Math.floor(rnd() * 2 ** 32)); const n = dv.getFloat64(0); if (Number.isFinite(n)) nums.push(n) }
for (const n of nums) out.push(['num', bits(n), String(n)])
const jsons = ['{"b":1,"a":[1,2.5,-0,1e400,"x"],"10":true,"2":null,"01":{}}', '"\\u0000\\u001f\\b\\f\\n\\r\\t\\"\\\\\\/\\ud800\\udc00\\ud800x\\udfff"', ' [ 1 , 2 ] ',
  '{"k":"€ 😀 \u2028"}', '12345678901234567890', '-0', '1E3', '0.1e-2', '{"a":1,"a":2,"b":3}', '[]', '{}', '"\u007f"', '9007199254740993', '-9007199254740991']
for (const j of jsons) out.push(['json', JSON.stringify(j), JSON.stringify(JSON.parse(j))])
const bads = ['', '{', '[1,]', '{"a":1,}', '01', '1.', '.5', '+1', 'tru', 'nul', '"abc', '"\\x"', '"\\u12"', '{a:1}', '[1 2]', "'a'", '"\t"', 'NaN', '1 2', '--1']
for (const b of bads) { let ok = true; try { JSON.parse(b) } catch { ok = false } if (ok) throw new Error('expected bad: ' + b); out.push(['bad', JSON.stringify(b), '']) }
for (const r of out) console.log(r.join('\t'))
