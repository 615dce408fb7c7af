// The unmixed cycle's prompt steps carry a fractional mean of prompts above mb = O − 1 (src/sim/decoder.ts
// unmixedCycleSteps); each real step carries a whole number, and a step's cost jumps where a kernel or a collective
// switches at a token count. Priced at the mean, every prompt step of the cycle crossed such an edge at once as the
// output grew: property seed 264 (test/unmixed-ep.property.test.ts, scale 10) drew chinchilla-1.4b TP 4 on an A800
// under SGLang, 1,523-token prompts, where two prompts' all-reduce passes the 8 MiB custom all-reduce buffer at 2,048
// tokens (then at batch 160, O 250 -> 260, e2e 6.10 -> 5.58 s, under the Poisson count of prompt steps; here batch 200,
// O 140 -> 160, mean 1.44 -> 1.26 prompts). The mean is priced as the mix of the whole counts around it.
import { describe, expect, it } from 'vitest';
import { simulateFromFlags } from '../src/sim/from-flags.js';

const flags = { model: 'chinchilla-1.4b', hardware: 'a800-sxm4-80gb', runtime: 'sglang', tp: 4, dtype: 'fp16', 'input-tokens': 1523, batch: 200 };
const run = async (o: number) => (await simulateFromFlags({ ...flags, 'output-tokens': o })).result;

describe('unmixed prompt steps at a fractional mean of prompts', () => {
  it('e2e never falls and ttft moves smoothly as the output grows across the 2,048-token all-reduce edge', async () => {
    let last = await run(140);
    for (let o = 142; o <= 160; o += 2) {
      const r = await run(o);
      expect(r.e2e_s!, `O ${o}`).toBeGreaterThanOrEqual(last.e2e_s!);
      // fewer prompts share a step as O grows: ttft falls, but by the share that moved, not by the edge's whole jump
      expect(r.ttft_s!, `O ${o}`).toBeLessThanOrEqual(last.ttft_s!);
      expect(r.ttft_s! / last.ttft_s!, `O ${o}`).toBeGreaterThan(0.97);
      last = r;
    }
  });
  it('a prompt step lies between the cold prefills of the whole counts around its mean (1 and 2 prompts here)', async () => {
    const cold = async (batch: number) => (await simulateFromFlags({ ...flags, batch, 'output-tokens': 1 })).result.ttft_cold_s!;
    const [one, two] = [await cold(1), await cold(2)];
    expect(two).toBeGreaterThan(2 * one); // the edge: two prompts cost more than two steps of one
    for (const o of [148, 152]) {
      const t = (await run(o)).ttft_s!;
      expect(t).toBeGreaterThan(one);
      expect(t).toBeLessThan(one + 0.5 * (two - one)); // the mean is 200 / (O − 1), 1.36 and 1.32 prompts: about a third of the way to two
    }
  });
});
