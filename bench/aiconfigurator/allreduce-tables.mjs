// Recomputes runtimes/tensorrt-llm.yaml by_hardware collectives.custom_allreduce from ai-dynamo/aiconfigurator
// @095f58a51: DATA_DIR/<system>/comm/trtllm/1.3.0rc20/custom_allreduce_perf.parquet (TensorRT-LLM AllReduce, strategy
// AUTO, bf16, 5 calls captured to a CUDA graph: collector/network/collect_all_reduce.py). message_size counts bf16
// elements (2 bytes each); latency is ms per call. Prints, per part, the message sizes in bytes from 2 KiB to 1 GiB,
// the largest measured group's seconds (`seconds`, `max_group`) and every smaller group's (`by_group`), in µs rounded
// to 0.1 as the YAML holds them. Reads parquet with the hyparquet npm package (pure JavaScript); downloads nothing:
//   npm install hyparquet hyparquet-compressors          (in the folder you run from)
//   node bench/aiconfigurator/allreduce-tables.mjs $DATA   [systems...]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const req = createRequire(`${process.cwd()}/`);
const { parquetReadObjects } = await import(pathToFileURL(req.resolve('hyparquet')).href);
const { compressors } = await import(pathToFileURL(req.resolve('hyparquet-compressors')).href);

const [data, ...asked] = process.argv.slice(2);
if (!data) throw new Error('usage: node allreduce-tables.mjs <aiconfigurator systems/data dir> [system ...]');
const systems = asked.length ? asked : ['h100_sxm', 'h200_sxm', 'b200_sxm', 'gb200', 'gb300', 'b300_sxm'];
const MIN = 2048, MAX = 2 ** 30; // bytes: the table's ends (2 KiB to the sweep's largest message, 1 GiB)

for (const sys of systems) {
  const buf = readFileSync(`${data}/${sys}/comm/trtllm/1.3.0rc20/custom_allreduce_perf.parquet`);
  const rows = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), compressors });
  const byGroup = new Map();
  for (const r of rows) {
    if (r.allreduce_dtype !== 'bfloat16') continue;
    const bytes = Number(r.message_size) * 2;
    if (bytes < MIN || bytes > MAX) continue;
    const g = Number(r.num_gpus);
    if (!byGroup.has(g)) byGroup.set(g, new Map());
    if (byGroup.get(g).has(bytes)) throw new Error(`${sys}: two rows for ${g} GPUs at ${bytes} bytes`);
    byGroup.get(g).set(bytes, r.latency * 1e3); // ms -> µs
  }
  const groups = [...byGroup.keys()].sort((a, b) => a - b);
  const sizes = [...byGroup.get(groups.at(-1)).keys()].sort((a, b) => a - b);
  const line = (g) => `[${sizes.map((s) => `${byGroup.get(g).get(s).toFixed(1)}e-6`).join(', ')}]`;
  console.log(`${sys}:\n  sizes: [${sizes.join(', ')}]\n  seconds: ${line(groups.at(-1))}\n  max_group: ${groups.at(-1)}`);
  if (groups.length > 1) console.log(`  by_group:\n${groups.slice(0, -1).map((g) => `    ${g}: ${line(g)}`).join('\n')}`);
}
