// A sweep worker: receives the grid, the resolved specs and the column plan once (workerData), then answers each
// [start, end] message with a ChunkResult (CSV text, src/sweep/pool.ts) and each {start, end, reuse} message with the
// chunk's columns (ChunkRows, src/sweep/engine-thread.ts; the buffers move back and forth). The simulator module is a
// parameter so that tests can run the pool with a fake engine; in use it is src/sim/simulate.js.
import { parentPort, workerData } from 'node:worker_threads';
import { makeEvaluator, type Simulator } from './evaluate.js';
import { sweepRequest } from './request.js';
import type { ColumnsRequest } from './engine-thread.js';

const { grid, tables, plan, simulatorModule } = workerData;
const mod = (await import(simulatorModule ?? '../sim/simulate.js')) as { simulate: Simulator };
const evaluator = makeEvaluator(grid, tables, plan, mod.simulate, sweepRequest);

parentPort!.on('message', (msg: [number, number] | ColumnsRequest) => {
  if (Array.isArray(msg)) return parentPort!.postMessage(evaluator.run(msg[0], msg[1]));
  const c = evaluator.columns(msg.start, msg.end, msg.reuse);
  parentPort!.postMessage(c, [c.cols.nums.buffer as ArrayBuffer, c.cols.refs.buffer as ArrayBuffer, c.metrics.buffer as ArrayBuffer]);
});
parentPort!.postMessage('ready');
