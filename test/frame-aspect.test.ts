// Video denoisers whose frame is not 16:9 (CogVideoX: 720 × 480, THUDM/CogVideo sat/configs latent 60 × 90) say so
// with frame_aspect; --resolution stays the frame's height. Open-Sora and HunyuanVideo keep the 16:9 default.
import { describe, expect, it } from 'vitest';
import { getLibrary } from '../src/spec/library.js';
import { ditFrame } from '../src/sim/dit.js';
import { ditGeometry } from '../src/model/dit-graph.js';
import type { DitModel } from '../src/spec/types.js';

const lib = getLibrary();

describe('frame_aspect', () => {
  it('CogVideoX at 480 px is 720 × 480: 30 × 45 patches per latent frame, 13 latent frames for 49 frames', () => {
    for (const id of ['cogvideox-2b-transformer', 'cogvideox-5b-transformer']) {
      const m = lib.models[id] as DitModel;
      const f = ditFrame(m, 480);
      expect(f).toEqual({ height: 480, width: 720 });
      const g = ditGeometry(m, { batch: 1, ...f, frames: 49 });
      expect(g.S).toBe(30 * 45);
      expect(g.N).toBe(17550);
    }
  });

  it('Wan 2.1 1.3B at 480 px is 832 × 480: 52 × 30 patches, 21 latent frames for 81 frames', () => {
    const m = lib.models['wan-2.1-t2v-1.3b-dit'] as DitModel;
    const f = ditFrame(m, 480);
    expect(f).toEqual({ height: 480, width: 832 });
    expect(ditGeometry(m, { batch: 1, ...f, frames: 81 }).N).toBe(52 * 30 * 21);
  });

  it('without frame_aspect a video frame stays 16:9 (HunyuanVideo 720p: 1280 × 720)', () => {
    const m = lib.models['hunyuan-video-transformer'] as DitModel;
    expect(m.frame_aspect).toBeUndefined();
    expect(ditFrame(m, 720)).toEqual({ height: 720, width: 1280 });
  });
});
