// The library API: `node examples/api.mjs` here (the package imports itself by name), or copy this file into
// any project that ran `npm install hwperf`.
import { simulate, loadModel, modelStats, UserError } from 'hwperf';

// flags as an object: ids, spec files or Hugging Face config.json paths; camelCase, snake_case or kebab-case
const r = await simulate({ model: 'llama-3.1-70b', hardware: 'h100-sxm', tp: 4, batch: 32, inputTokens: 2048, outputTokens: 256, dtype: 'fp8' });
console.log(`TPOT ${(r.tpot_s * 1e3).toFixed(1)} ms, ${r.throughput_tok_s.toFixed(0)} tok/s, fits: ${r.memory.fits}`);

// a loaded spec can be changed and simulated again
const model = await loadModel('llama-3.1-8b');
console.log(`${model.id}: ${modelStats(model).total} parameters`);

// user mistakes are thrown as UserError (never printed)
try {
  await simulate({ model: 'llama-3.1-70b', hardware: 'h100-sxm', tp: 3 });
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  console.log(`rejected: ${e.message}`);
}
