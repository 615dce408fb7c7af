// node scripts/stdit-block-breakdown.js [--hardware h200-sxm] [--runtime pytorch] [--resolution 720] [--frames 51]
//                                       [--batch 2] [--model stdit3-xl-2] [--json]
// hwperf's per-op time for ONE spatial and ONE temporal block of a video DiT (STDiT3), as the bound runtime runs it
// (src/sim/runtime-ops.ts rewrites, then the roofline of src/sim/roofline.ts), each op with its kernel launches,
// bytes, FLOPs and the bound, grouped by op class (gemm, attention, norm, elementwise, copy). For comparing with a
// torch.profiler per-kernel trace of the same block, kernel by kernel. `--batch` is the forward batch (2 = one sample
// under classifier-free guidance). Needs `npm run build` first. Not used by the CLI.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
if (!existsSync(join(root, 'dist', 'library.json'))) {
  console.error('stdit-block-breakdown: run `npm run build` first');
  process.exit(2);
}
const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const { resolveModel, resolveHardware } = await import(dist('spec/library.js'));
const { bindRuntime, resolveRuntime } = await import(dist('runtime/resolve.js'));
const { buildDitGraph } = await import(dist('model/dit-graph.js'));
const { runtimeOps } = await import(dist('sim/runtime-ops.js'));
const { opCost } = await import(dist('sim/roofline.js'));
const { ditFrame } = await import(dist('sim/dit.js'));

const model = await resolveModel(flag('model', 'stdit3-xl-2'));
const hw = bindRuntime(await resolveHardware(flag('hardware', 'h200-sxm')), await resolveRuntime(flag('runtime', 'pytorch')));
const { height, width } = ditFrame(model, Number(flag('resolution', 720)));
const shape = { batch: Number(flag('batch', 2)), height, width, frames: Number(flag('frames', 51)) };
const p = { compute: 'bf16', weightBytes: 2, actBytes: 2, kvBytes: 2 };
const ops = runtimeOps(buildDitGraph(model, shape, p, true), hw, p.actBytes);

// op class as a profiler trace would show it: a pure data movement (a .contiguous(), an einops rearrange, a torch.where
// frame select, the channels-first copies) is `copy`
const COPY = /contiguous|time_major|select|unpatchify/;
function opClass(op) {
  if (op.kind === 'gemm' || op.kind === 'conv') return 'gemm';
  if (op.kind === 'attention') return 'attention';
  if (op.kind === 'norm') return 'norm';
  if (COPY.test(op.name) || (op.kind === 'elementwise' && op.flops === 0)) return 'copy';
  return 'elementwise';
}

const rows = [];
for (const op of ops) {
  const block = op.name.split('.')[0];
  if (block !== 'spatial' && block !== 'temporal') continue;
  const c = opCost(op, hw, 'other');
  rows.push({
    block, name: op.name, class: opClass(op), kernels: op.kernels ?? 1, us: c.seconds * 1e6,
    compute_us: c.computeS * 1e6, memory_us: c.memoryS * 1e6, floor_us: (c.floorS ?? 0) * 1e6, bound: c.bound,
    gflop: op.flops / 1e9, mb: op.bytes / 1e6, m: op.m, n: op.n, k: op.k,
  });
}

if (args.includes('--json')) {
  console.log(JSON.stringify({ model: model.id, hardware: hw.id, runtime: hw.runtime?.id, shape, rows }, null, 2));
  process.exit(0);
}
const f = (x, d = 1) => x.toFixed(d);
console.log(`${model.id} on ${hw.id} (runtime ${hw.runtime?.id}): forward batch ${shape.batch}, ${height}×${width}, ${shape.frames} frames`);
console.log(`memory ${f(hw.memory.bandwidthBytePerS / 1e12, 2)} TB/s × ${hw.efficiency.memory}; per-kernel gap ${f(hw.efficiency.kernelOverheadS * 1e6)} µs, launch floor ${f((hw.runtime?.launch?.perKernelS ?? 0) * 1e6)} µs; attention ${hw.efficiency.attention}`);
for (const block of ['spatial', 'temporal']) {
  const rs = rows.filter((r) => r.block === block);
  console.log(`\n${block} block (one of ${ops.find((o) => o.name.startsWith(block))?.count})`);
  console.log(`${'op'.padEnd(30)} ${'class'.padEnd(11)} ${'krn'.padStart(3)} ${'µs'.padStart(9)} ${'GFLOP'.padStart(9)} ${'MB'.padStart(8)} bound      TF/s   TB/s`);
  for (const r of rs) {
    console.log(`${r.name.padEnd(30)} ${r.class.padEnd(11)} ${String(r.kernels).padStart(3)} ${f(r.us).padStart(9)} ${f(r.gflop, 2).padStart(9)} ${f(r.mb).padStart(8)} ${r.bound.padEnd(9)} ${f((1e3 * r.gflop) / r.us, 0).padStart(5)} ${f(r.mb / r.us, 2).padStart(6)}`);
  }
  const total = rs.reduce((s, r) => s + r.us, 0);
  console.log(`${'class'.padEnd(12)} ${'kernels'.padStart(7)} ${'µs'.padStart(9)}  share`);
  for (const cls of ['gemm', 'attention', 'norm', 'elementwise', 'copy']) {
    const cs = rs.filter((r) => r.class === cls);
    const us = cs.reduce((s, r) => s + r.us, 0);
    console.log(`${cls.padEnd(12)} ${String(cs.reduce((s, r) => s + r.kernels, 0)).padStart(7)} ${f(us).padStart(9)}  ${f((100 * us) / total)}%`);
  }
  console.log(`${'total'.padEnd(12)} ${String(rs.reduce((s, r) => s + r.kernels, 0)).padStart(7)} ${f(total).padStart(9)}`);
}
