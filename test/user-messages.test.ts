// One-line user errors point at a command that works and read as English.
import { describe, expect, it } from 'vitest';
import { loadHardware, loadModel, plan, serve } from '../src/index.js';

describe('user error messages', () => {
  it('an unknown id with no near match names the list command that shows the ids (it needs its kind)', async () => {
    await expect(loadModel('zzzzzz')).rejects.toThrow('unknown model "zzzzzz" (see `hwperf list models`)');
    await expect(loadHardware('zzzzzz')).rejects.toThrow('unknown hardware "zzzzzz" (see `hwperf list hardware`)');
  });
  it('serve and plan refuse a non-decoder with the right article', async () => {
    await expect(serve({ model: 'whisper-large-v3', hardware: 'h100-sxm', rate: 1 })).rejects.toThrow('whisper-large-v3 is an encoder-decoder model;');
    await expect(serve({ model: 'dit-xl-2', hardware: 'h100-sxm', rate: 1 })).rejects.toThrow('dit-xl-2 is a dit model;');
    await expect(plan({ model: 'vit-b-16', hardware: 'h100-sxm', rate: 1 })).rejects.toThrow('vit-b-16 is an encoder model;');
  });
});
