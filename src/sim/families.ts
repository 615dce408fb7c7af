// One simulator per model family; `simulate()` dispatches here.
import type { FamilySimulator } from './types.js';
import { simulateDecoder } from './decoder.js';
import { simulateEncoderDecoder } from './whisper.js';
import { simulateEncoder } from './encoder.js';
import { simulateDit } from './dit.js';
import { simulateVae } from './vae.js';
import { simulatePipeline } from './pipeline.js';

export const FAMILY_SIMULATORS: Record<string, FamilySimulator> = {
  decoder: simulateDecoder,
  'encoder-decoder': simulateEncoderDecoder,
  encoder: simulateEncoder,
  dit: simulateDit,
  vae: simulateVae,
  pipeline: simulatePipeline,
};
