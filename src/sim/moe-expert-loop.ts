// A MoE block that runs its experts one at a time from Python in an eager forward (runtime host.moe_expert_loop):
// Hugging Face transformers' 4.x sparse MoE blocks. MixtralSparseMoeBlock.forward before v4.53 (and Qwen3-MoE's,
// v4.51-v4.52) builds the one-hot expert mask and then runs `for expert_idx in range(self.num_experts):` (the v4.36-era
// Mixtral block skipped an empty expert after torch.where; the releases priced here are assumed to run the whole body:
// the runtime files say so); from v4.53 (PR #38133) the loop runs over `expert_hit`, the experts some token picked. The
// body, per expert: torch.where on the expert's mask (nonzero, whose output size the host must read: a sync), the row
// gather hidden_states[None, top_x], the expert's gate / up / down nn.Linear calls, act_fn and the product, the
// routing-weight gather and product, and index_add_ into the output. Its host time per iteration is the runtime's
// per_expert (counted from that body at PyTorch's per-op costs: runtimes/transformers-4.46.yaml); ASSUMPTION: an expert
// no token picked under experts: all dispatches its Linear calls at the host cost of one row (F.linear's issue time is
// the same at 1, 8 and 32 rows: runtimes/pytorch.yaml; a zero-size mm may skip its launch): an upper bound for the
// empty experts. The device side is priced as the grouped expert GEMMs of the decoder graph (its GEMMs at the rows the
// experts take): at the batch sizes where the loop binds, the host's iterations outlast them.
import type { DecoderModel, NormalizedHardware } from '../spec/types.js';
import { moeLayerCount } from '../model/layer-kinds.js';
import { hitExperts } from './training/expert-loop.js';

/**
 * Host seconds of the expert loops of one eager forward over `tokens` tokens, on one of `pp` pipeline stages (the
 * layers a stage holds): per MoE layer, the loop's iterations (every local expert, or the expected experts hit by
 * uniform top-k routing of `tokens` tokens) times host.moe_expert_loop.per_expert. 0 where the runtime runs no expert loop,
 * the model is dense, or the pass has no tokens.
 */
export function expertLoopHostS(hw: Pick<NormalizedHardware, 'runtime'>, m: DecoderModel, tokens: number, pp = 1, ep = 1): number {
  const loop = hw.runtime?.hostExpertLoop;
  const moe = m.moe;
  if (!loop || !moe || !(tokens > 0) || !(pp > 0)) return 0;
  const local = moe.experts / Math.max(1, ep);
  const iterations = loop.experts === 'all' ? local : hitExperts(tokens, moe.experts, moe.active, local);
  return (moeLayerCount(m) / pp) * iterations * loop.perExpertS;
}
