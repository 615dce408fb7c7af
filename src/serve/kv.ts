// KV-cache capacity of one replica in tokens, from the memory model simulate uses (src/sim/memory.ts): the
// runtime's usable share of each device, less the weights and the activation workspace of one iteration of
// `maxBatchedTokens` tokens, divided by the KV bytes of one token on one device. Every device of a tp × pp replica
// holds its shard of the same tokens; with attention data parallelism each of the tp ranks holds its own requests,
// so the replica holds tp times as many.
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import type { Precision } from '../model/quant.js';
import type { Layout } from '../sim/parallel.js';
import { activationBytes, kvBytesPerToken, slotBytes, usableBytes, weightBytes } from '../sim/memory.js';
import { CapacityError } from './errors.js';

export interface KvCapacity {
  tokens: number; // per replica
  bytesPerTokenDevice: number; // KV bytes of one token on one device
  weightsBytes: number; // per device
  usableBytes: number; // per device
}

export function kvCapacity(m: DecoderModel, hw: NormalizedHardware, L: Layout, p: Precision, maxBatchedTokens: number, maxSeqs: number, extraWeights = 0, extraPerToken = 0, maxSeqLen = m.context): KvCapacity {
  // extraWeights/extraPerToken: a speculative drafter's weights and KV per token on the same device; maxSeqLen: the
  // longest request (input + output) the engine is built for, which sizes the runtime's per-slot buffers (slotBytes)
  const weights = weightBytes(m, L, p).perDevice + extraWeights;
  const local = L.attentionDp ? Math.max(1, Math.ceil(maxSeqs / L.tp)) : maxSeqs;
  const acts = activationBytes(m, L, p, local, Math.max(1, Math.ceil(maxBatchedTokens / local)), slotBytes(hw, m, L, local, Math.min(m.context, maxSeqLen)));
  const usable = usableBytes(hw, weights, acts, L.tp);
  const perTok = kvBytesPerToken(m, L, p) + extraPerToken;
  const free = usable - weights - acts;
  const perDevice = perTok > 0 ? Math.floor(Math.max(0, free) / perTok) : 0;
  const tokens = perDevice * (L.attentionDp ? L.tp : 1);
  if (tokens < 1) {
    const gb = (x: number) => `${(x / 1e9).toFixed(1)} GB`;
    throw new CapacityError(
      `${m.id} on ${hw.id} (tp ${L.tp}, pp ${L.pp}): no room for a KV cache — weights ${gb(weights)} and workspace ${gb(acts)} per device of ${gb(usable)} usable; raise --tp/--pp or use a smaller --dtype`,
    );
  }
  return { tokens, bytesPerTokenDevice: perTok, weightsBytes: weights, usableBytes: usable };
}
