// A sweep worker: receives the grid, the resolved specs and the column plan once (workerData), then
// answers [start, end) messages with a ChunkResult. The simulator module is a parameter so that tests
// can run the pool with a fake engine; in use it is src/sim/simulate.js.
import { parentPort, workerData } from 'node:worker_threads';
import { makeEvaluator, type Simulator } from './evaluate.js';
import { sweepRequest } from './request.js';

const { grid, tables, plan, simulatorModule } = workerData;
const mod = (await import(simulatorModule ?? '../sim/simulate.js')) as { simulate: Simulator };
const evaluator = makeEvaluator(grid, tables, plan, mod.simulate, sweepRequest);

parentPort!.on('message', (msg: [number, number]) => {
  parentPort!.postMessage(evaluator.run(msg[0], msg[1]));
});
parentPort!.postMessage('ready');
