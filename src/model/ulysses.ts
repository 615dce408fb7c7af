// Ulysses sequence parallelism for diffusion transformers: one sample's denoiser forward over `sp` devices.
// DeepSpeed-Ulysses (Jacobs et al. 2023, arXiv:2309.14509 §3): each device holds N/sp tokens of the sequence and every
// weight; before attention an all-to-all turns q, k and v from [N/sp, h] into [N, h/sp] (all tokens, a share of the
// heads), the attention runs locally, and one more all-to-all turns its output back: four all-to-alls of the device's
// N/sp · d activations per attention. xDiT runs the same exchange for DiTs (USP, Fang et al. 2024, arXiv:2405.07719,
// and xDiT arXiv:2411.01738; yunchang/ulysses/attn_layer.py UlyssesAttention: SeqAllToAll4D on query, key, value and
// the context), as do the MLPerf Wan2.2 SingleStream systems (AMD's harness: parallelism mode ulysses, ulysses_degree 8;
// NVIDIA's TensorRT-LLM VisualGen: cfg_size 2 x ulysses_size 2 on 4 GPUs). A head count that `sp` does not divide
// needs ring attention instead (xDiT's ring_degree), which is not priced: such runs stay data parallel.
// The cross-attention to the caption needs no exchange (each device's queries attend over the whole caption, which
// every device embeds); at the end of the forward the devices all-gather the output latent for the sampler step.
import type { DitModel, Dtype } from '../spec/types.js';
import type { Op } from './op.js';

/** transformers with one full attention per block (not Open-Sora's separate spatial/temporal blocks, not a UNet) */
export function ulyssesSupported(m: DitModel): boolean {
  if (m.architecture === 'unet') return false;
  return m.temporal?.attention !== 'separate';
}

/** the Ulysses degree `tp` devices per sample give: `tp` where the model has a split and `tp` divides its heads, else 1 */
export function ulyssesDegree(m: DitModel, tp: number): number {
  if (!(tp > 1) || !Number.isInteger(tp)) return 1;
  return ulyssesSupported(m) && m.heads % tp === 0 ? tp : 1;
}

function collective(name: string, kind: 'alltoall' | 'allgather', bytes: number, group: number, dtype: Dtype, count: number): Op {
  return { name, kind: 'collective', flops: 0, bytes: 0, weightBytes: 0, dtype, count, comm: { kind, bytes, group, scope: 'scale_up' } };
}

/** the four all-to-alls of one attention (q, k, v in; the output back), each of the device's `localBytes` */
export function ulyssesAllToAll(prefix: string, localBytes: number, sp: number, dtype: Dtype, count: number): Op {
  return collective(`${prefix}.ulysses_a2a`, 'alltoall', localBytes, sp, dtype, 4 * count);
}

/** the all-gather of the output latent (each device's share `localBytes`) before the sampler step; none on one device */
export function ulyssesGather(localBytes: number, sp: number, dtype: Dtype): Op[] {
  return sp > 1 ? [collective('ulysses_gather', 'allgather', localBytes * sp, sp, dtype, 1)] : [];
}
