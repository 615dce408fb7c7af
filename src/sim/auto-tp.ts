// `--auto-tp` (simulate and compare): a decoder that does not fit one device is retried at tp 2, 4, 8 within the
// scale-up domain, then with pipeline stages 2, 4, 8 at the widest tp that was valid; the first that fits is kept
// (the last one tried when none does). Other families run whole models per device and are returned as they are.
import type { SimulateRequest, SimulateResult } from './types.js';
import { simulate } from './simulate.js';

export function simulateAutoTp(req: SimulateRequest, sim: (r: SimulateRequest) => SimulateResult = simulate): SimulateResult {
  let r = sim(req);
  if (req.model.family !== 'decoder' || r.memory?.fits !== false) return r;
  const domain = Math.min(8, req.hardware.scaleUp?.domain ?? 1);
  const attempt = (tp: number, pp: number): SimulateResult | undefined => {
    try {
      return sim({ ...req, tp, pp, devices: undefined });
    } catch {
      return undefined; // e.g. heads not divisible by tp, layers by pp
    }
  };
  let bestTp = req.tp;
  for (let tp = req.tp * 2; tp <= domain; tp *= 2) {
    const next = attempt(tp, req.pp);
    if (!next) continue;
    bestTp = tp;
    r = next;
    if (r.memory?.fits !== false) return r;
  }
  for (let pp = req.pp * 2; pp <= 8; pp *= 2) {
    const next = attempt(bestTp, pp);
    if (!next) continue;
    r = next;
    if (r.memory?.fits !== false) return r;
  }
  return r;
}
