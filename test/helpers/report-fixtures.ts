// Hand-made SimulateResults and hardware for the report/energy/size tests (the contract of src/sim/types.ts),
// so these tests do not depend on any family engine.
import type { NormalizedHardware } from '../../src/spec/types.js';
import type { SimulateResult } from '../../src/sim/types.js';
import { defaultEfficiency } from '../../src/hardware/efficiency.js';

export function fakeHardware(over: Partial<NormalizedHardware> = {}): NormalizedHardware {
  return {
    id: 'fake-gpu',
    name: 'Fake GPU',
    vendor: 'other',
    class: 'datacenter',
    matrixFlopPerS: { bf16: 1e15, fp16: 1e15, fp8: 2e15, int8: 2e15 },
    vectorFlopPerS: { fp32: 6e13 },
    memory: { technology: 'hbm3', capacityBytes: 80e9, bandwidthBytePerS: 3.35e12, stacks: 5 },
    onChip: { l2Bytes: 50e6 },
    power: { tdpW: 700 },
    price: { hourUsd: 2.5 },
    efficiency: defaultEfficiency('hbm3', 'datacenter'),
    sources: ['test'],
    ...over,
  };
}

export function fakeResult(family: string, over: Partial<SimulateResult> = {}): SimulateResult {
  const decoder = family === 'decoder';
  return {
    model: 'm',
    hardware: 'fake-gpu',
    family,
    devices: 1,
    tp: 1,
    pp: 1,
    ep: 1,
    replicas: 1,
    batch: 1,
    dtype: 'bf16',
    weights_dtype: 'bf16',
    activations_dtype: 'bf16',
    kv_cache_dtype: 'bf16',
    latency_s: 2,
    ...(decoder ? { ttft_s: 0.05, tpot_s: 0.015, e2e_s: 2, throughput_tok_s: 66, prefill_tok_s: 10000 } : {}),
    ...(family === 'dit' ? { images_per_s: 3, step_s: 0.01 } : {}),
    ...(family === 'encoder-decoder' ? { rtf: 0.02, encoder_s: 0.1, decoder_s: 0.5 } : {}),
    memory: {
      per_device_bytes: 20e9,
      capacity_bytes: 80e9,
      usable_bytes: 76e9,
      fits: true,
      reason: null,
      weights_bytes: 16e9,
      kv_cache_bytes: 3e9,
      activations_bytes: 1e9,
    },
    phases: decoder
      ? [
          { name: 'prefill', seconds: 0.05, flops: 8e12, bytes: 17e9, bound: 'compute', compute_s: 0.04, memory_s: 0.006, comm_s: 0 },
          { name: 'decode', seconds: 1.9, flops: 2e12, bytes: 2e12, bound: 'memory', compute_s: 0.01, memory_s: 1.9, comm_s: 0 },
        ]
      : [{ name: family === 'dit' ? 'step' : 'encode', seconds: 0.3, flops: 1e14, bytes: 5e10, bound: 'compute', compute_s: 0.3, memory_s: 0.02, comm_s: 0 }],
    warnings: [],
    work: { flops: 1e13, bytes: 2e12, seconds: 2, items: decoder ? 128 : 1, devices: 1 },
    ...over,
  };
}
