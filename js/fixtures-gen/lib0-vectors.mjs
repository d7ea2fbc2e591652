// Generates ycrdt/src/test/resources/org/civicpress/ycrdt/lib0/lib0-vectors.tsv with real lib0:
//   node js/fixtures-gen/lib0-vectors.mjs > ycrdt/src/test/resources/org/civicpress/ycrdt/lib0/lib0-vectors.tsv
import * as enc from 'lib0/encoding'
import * as dec from 'lib0/decoding'
const hex = u => Buffer.from(u).toString('hex')
const out = []
const uints = [0, 1, 127, 128, 255, 256, 16383, 16384, 2**31-1, 2**31, 2**32, 2**32+1, 2**40+12345, 2**52, 2**53-1]
for (const n of uints) out.push(['varUint', String(n), hex(enc.encode(e => enc.writeVarUint(e, n)))])
const ints = [0, 1, -1, 63, 64, -63, -64, 127, -128, 8191, 8192, -8192, 2**31-1, -(2**31), 2**53-1, -(2**53-1)]
for (const n of ints) out.push(['varInt', String(n), hex(enc.encode(e => enc.writeVarInt(e, n)))])
out.push(['varIntNegZero', '-0', hex(enc.encode(e => enc.writeVarInt(e, -0)))])
const strs = ['', 'a', 'hello world', 'é', '€', '日本語', '😀', 'a😀b', '\ud800', 'x\udc00y', '\ud83d', '\ufeffbom', '\u0000nul']
for (const s of strs) out.push(['varString', JSON.stringify(s), hex(enc.encode(e => enc.writeVarString(e, s)))])
const anys = [
 ['undefined', undefined], ['null', null], ['true', true], ['false', false],
 ['0', 0], ['-0', -0], ['1', 1], ['-1', -1], ['2147483647', 2147483647], ['-2147483647', -2147483647], ['2147483648', 2147483648], ['-2147483648', -2147483648],
 ['4294967296', 4294967296], ['9007199254740991', 9007199254740991], ['0.5', 0.5], ['1.1', 1.1], ['-2.75', -2.75], ['3.4028234663852886e38', 3.4028234663852886e38], ['1e300', 1e300], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
 ['bigint 5', 5n], ['bigint -9', -9n], ['bigint max', 9223372036854775807n],
 ['str', 'héllo😀'], ['arr', [1, 'a', null, [true, {}]]], ['obj', {b: 1, a: 'x', 2: 'two', 1: 'one', '01': 'z', '-1': 'm'}],
 ['bytes', new Uint8Array([0, 1, 255])], ['nested', {k: [1.5, {z: undefined}], e: []}]
]
for (const [name, v] of anys) out.push(['any', name, hex(enc.encode(e => enc.writeAny(e, v)))])
// RLE encoders
const rle = (E, vals) => { const e = new E(); vals.forEach(v => e.write(v)); return hex(e.toUint8Array()) }
const seqs = [[], [0], [0,0,0], [5], [5,5], [1,2,3,4], [3,3,1,0,0,0,7], [100000, 100000, 2**40]]
for (const s of seqs) out.push(['UintOptRle', JSON.stringify(s), rle(enc.UintOptRleEncoder, s)])
for (const s of [...seqs, [5,4,3,2,-10,-20,-30]]) out.push(['IntDiffOptRle', JSON.stringify(s), rle(enc.IntDiffOptRleEncoder, s)])
for (const s of seqs.slice(0,7)) out.push(['IncUintOptRle', JSON.stringify(s), rle(enc.IncUintOptRleEncoder, s)])
for (const s of [[0,4,4,4,7,0,0], [1], [8,8]]) { const e = new enc.RleEncoder(enc.writeUint8); s.forEach(v => e.write(v)); out.push(['Rle8', JSON.stringify(s), hex(enc.toUint8Array(e))]) }
for (const s of [[], ['a'], ['abc', '', 'de', '😀', '\ud800', '\udc00', 'xxxxxxxxxxxxxxxxxxxxxxxxxx', 'k']]) { const e = new enc.StringEncoder(); s.forEach(v => e.write(v)); out.push(['StringEnc', JSON.stringify(s), hex(e.toUint8Array())]) }
for (const r of out) console.log(r.join('\t'))
