// The format thread (src/sweep/format-thread.ts): receives the grid, the column plan and the output file's descriptor
// once (workerData), then turns each chunk's columns into CSV text, writes it (chunks come in sweep order), and sends
// back the lines of the chunk's Pareto points with the buffers, for the engine side to fill again.
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { makeFormatter, type ChunkColumns } from './format.js';

const { grid, plan, fd } = workerData as { grid: Parameters<typeof makeFormatter>[0]; plan: Parameters<typeof makeFormatter>[1]; fd: number };
const formatter = makeFormatter(grid, plan);

parentPort!.on('message', (msg: { cols: ChunkColumns; wanted: Int32Array }) => {
  const { csv, lines } = formatter.format(msg.cols, msg.wanted);
  if (csv) writeSync(fd, csv);
  const { start, nums, refs } = msg.cols;
  parentPort!.postMessage({ start, lines, nums, refs }, [nums.buffer as ArrayBuffer, refs.buffer as ArrayBuffer]);
});
