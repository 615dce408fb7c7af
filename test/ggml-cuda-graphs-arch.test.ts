// ggml-cuda replays decode steps as CUDA graphs only from Ampere up in the builds llama.cpp's runtime describes
// (ggml-cuda.cu: cc < GGML_CUDA_CC_AMPERE -> disable_due_to_gpu_arch): on Volta and Turing each decode kernel is
// launched by the host (runtimes/llama.cpp.yaml by_architecture volta / turing).
import { describe, expect, it } from 'vitest';
import { launchFloorS } from '../src/runtime/launch.js';
import { bindRuntime } from '../src/runtime/resolve.js';
import { libraryRuntime } from '../src/spec/library.js';
import { loadHardware } from './helpers/nondecoder-fixtures.js';

describe('ggml-cuda CUDA graphs by architecture', () => {
  it('Volta and Turing launch decode kernels one by one; Ampere and later replay them', async () => {
    for (const id of ['v100-sxm2', 'v100s-pcie', 'tesla-t4']) {
      for (const rt of ['llama.cpp', 'ollama']) {
        const hw = bindRuntime(await loadHardware(id), libraryRuntime(rt));
        expect(hw.runtime!.launch.graphs, `${rt} on ${id}`).toBe('none');
        expect(launchFloorS(hw, 'decode'), `${rt} on ${id}`).toBeCloseTo(hw.runtime!.launch.perKernelS, 15);
        expect(launchFloorS(hw, 'decode')).toBeGreaterThan(0);
      }
    }
    for (const id of ['a100-sxm4-80gb', 'rtx-4090', 'h100-sxm', 'rtx-5090']) {
      const hw = bindRuntime(await loadHardware(id), libraryRuntime('llama.cpp'));
      expect(hw.runtime!.launch.graphs, id).toBe('decode');
      expect(launchFloorS(hw, 'decode'), id).toBe(0);
      expect(launchFloorS(hw, 'other'), id).toBeGreaterThan(0);
    }
  });
});
