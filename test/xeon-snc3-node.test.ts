// One SNC3 sub-NUMA node of a Xeon 6980P (hardware/intel/xeon-6980p-snc3-node.yaml): the socket's peaks x 42/128 and 4 of
// its 12 memory channels, the socket's efficiencies. CPU serving harnesses pin one server per node (Intel's MLPerf v5.1
// llama3.1-8b Server: 42 cores per SGLang server), each streaming its own copy of the weights.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';

const lib = getLibrary();

describe('xeon-6980p-snc3-node', () => {
  const node = lib.hardware['xeon-6980p-snc3-node']!;
  const socket = lib.hardware['xeon-6980p']!;
  it('has 42/128 of the socket\'s matrix and vector peaks and a third of its bandwidth', () => {
    expect(node.units).toBe(42);
    expect(node.matrixFlopPerS.bf16! / socket.matrixFlopPerS.bf16!).toBeCloseTo(42 / 128, 3);
    expect(node.matrixFlopPerS.int8! / socket.matrixFlopPerS.int8!).toBeCloseTo(42 / 128, 3);
    expect(node.memory.bandwidthBytePerS / socket.memory.bandwidthBytePerS).toBeCloseTo(1 / 3, 6);
  });
  it('keeps the socket\'s architecture and kernel efficiencies', () => {
    expect(node.architecture).toBe('granite-rapids');
    expect(node.efficiency.gemmByDtype).toEqual(socket.efficiency.gemmByDtype);
  });
});
