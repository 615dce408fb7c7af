// Hand-assembled WebAssembly SIMD kernels (no toolchain needed): the binary format is small enough to
// write directly (WebAssembly Core Spec 2.0, §5 binary format; SIMD opcodes in §5.4.8).
//   peak_f32(iters: i32) -> f32   CHAINS independent f32x4 chains of x = x·a + b (mul + add; base SIMD
//   peak_f64(iters: i32) -> f64   has no FMA), 4·2 resp. 2·2 FLOP per chain per iteration.
export const CHAINS = 12;

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];

const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];

function peakBody(kind: 'f32' | 'f64'): number[] {
  const A = CHAINS + 1; // locals: 0 = iters, 1..CHAINS accumulators, A = a, A+1 = b
  const B = CHAINS + 2;
  const f = kind === 'f32';
  const cnst = (x: number) => {
    const buf = Buffer.alloc(f ? 4 : 8);
    if (f) buf.writeFloatLE(x);
    else buf.writeDoubleLE(x);
    return [f ? 0x43 : 0x44, ...buf];
  };
  const splat = simd(f ? 0x13 : 0x14);
  const add = simd(f ? 0xe4 : 0xf0);
  const mul = simd(f ? 0xe6 : 0xf2);
  const code: number[] = [...cnst(0.999999), ...splat, ...set(A), ...cnst(1e-7), ...splat, ...set(B)];
  for (let j = 1; j <= CHAINS; j++) code.push(...cnst(j), ...splat, ...set(j));
  code.push(0x02, 0x40, 0x03, 0x40, ...get(0), 0x45, 0x0d, 1); // block; loop; br_if (iters == 0) out
  for (let j = 1; j <= CHAINS; j++) code.push(...get(j), ...get(A), ...mul, ...get(B), ...add, ...set(j));
  code.push(...get(0), 0x41, 1, 0x6b, ...set(0), 0x0c, 0, 0x0b, 0x0b); // iters -= 1; br loop; end; end
  code.push(...get(1));
  for (let j = 2; j <= CHAINS; j++) code.push(...get(j), ...add);
  code.push(...simd(f ? 0x1f : 0x21, 0), 0x0b); // extract lane 0; end
  const locals = vec([[...uleb(CHAINS + 2), V128]]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

export function peakModuleBytes(): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32]]), ...vec([[F32]])], [0x60, ...vec([[I32]]), ...vec([[F64]])]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name('peak_f32'), 0x00, 0], [...name('peak_f64'), 0x00, 1]])),
    ...section(10, vec([peakBody('f32'), peakBody('f64')])),
  ];
  return new Uint8Array(bytes);
}

export interface PeakKernels {
  peak_f32(iters: number): number;
  peak_f64(iters: number): number;
}

export function instantiatePeak(): PeakKernels | undefined {
  const bytes = peakModuleBytes();
  if (!WebAssembly.validate(bytes)) return undefined; // no SIMD in this engine
  return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as PeakKernels;
}

// FLOP per call: each iteration does one mul and one add per lane per chain.
export const flopsPerIter = { f32: CHAINS * 4 * 2, f64: CHAINS * 2 * 2 };
