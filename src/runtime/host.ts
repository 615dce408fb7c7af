// Host time of one engine iteration that the device waits for:
//   fixed  = host.step_overhead (exposed per iteration whatever the batch)
//   per    = (host.per_sequence + host.sampling_per_vocab_entry × vocab) × sequences in the iteration (Python per
//            request: scheduling, input preparation, sampling and output bookkeeping — it grows with the batch:
//            vllm-project/vllm issue #6801, ~20 ms at 200 sequences before v0.6; issue #10634, 5–6 ms between decodes
//            at 256; TensorRT-LLM's TorchSampler, 454 µs at 64 requests: PR #15920; a C++ sampler that walks every
//            vocabulary entry of every sequence: runtimes/ollama.yaml); the sequences are one scheduler's (one
//            attention-DP rank's share: schedulerSequences)
//   rpc    = host.worker_rpc: round_trip + (workers − 1) × per_worker, where the engine drives more than one worker
//            by remote calls every step (vLLM 0.2 at tp > 1: one Ray actor call per worker, then ray.get of all; vLLM
//            V0 from 0.5: the driver's input broadcast to its TP group, group 'tp': workerRpcWorkers)
//   exposed = fixed + rpc + per                    (the engine waits for the host between steps: vLLM V0/V1 sync)
//           = fixed + rpc + max(0, per − device)   (host.overlap: scheduling runs one step ahead, behind the device)
//           = max(0, fixed + rpc + per − device)   (host.runs_ahead, steps that decode: the loop reads nothing back
//            from the device between steps, so the host queues step n+1 while the device runs step n and the device
//            waits only where the host's whole step outlasts its own: Optimum Habana's generate() with ignore_eos,
//            runtimes/optimum-habana.yaml. A prompt-only step opens the loop, nothing queued before it: exposed in full)
//   multi-step scheduling (scheduler.steps = N > 1: vLLM V0's num_scheduler_steps, releases 0.5.5–0.9): the step's
//            decoding sequences pay 1/N of per, its prompts all of it. The engine schedules once per N decode steps (LLMEngine.step calls
//            Scheduler.schedule only when _has_remaining_steps is false, else reuses the cached scheduler outputs), the
//            model runner prepares inputs once per run (MultiStepModelRunner.prepare_model_input on the first step;
//            later steps run _advance_step, one attn_metadata.advance_step GPU kernel for the batch), and the sampler
//            skips its CPU output (skip_sampler_cpu_output): each step's tokens are pythonized and their outputs
//            processed in the async callback while the next step runs (_async_process_outputs), the last step's
//            blocking (_final_process_outputs). So the scheduling and input preparation that per_sequence stands for
//            (runtimes/vllm.yaml: an early V1 figure V0 carries; V0's own gap is untimed) run once per N steps; the
//            per-step pythonization and output processing run behind the device (vllm PRs #7921, #8050:
//            pythonization and _process_model_outputs of step i run during step i+1's forward). The multi-step
//            RFC's own trace (vllm issue #6854: a ~4 ms GPU bubble per decode, "with multi-step-8, the 4ms only needs to
//            be incurred once for every 8 decode") shows the same. The fixed part stays per step (LLMEngine.step and
//            execute_model still run every step). Prompts are scheduled only where a run ends: without chunked
//            prefill a prompt step is one step of its own (no lookahead slots, so its scheduler outputs are not cached
//            for further steps) and its prompts pay all of per; with chunked prefill they join a run's first step and
//            are prepared with it: priced the same (per for the step's prompts, per / N for its decodes: a mixed step
//            of simulate or serve). (vllm-project/vllm vllm/worker/multi_step_model_runner.py, vllm/engine/llm_engine.py
//            _has_remaining_steps / _cache_scheduler_outputs_for_multi_step.) Not priced: prompts wait for the end of a
//            run to be admitted; a sequence that stops inside a run keeps its slot to the run's end; and the per-step
//            output processing (not timed per sequence) is exposed where it outlasts the device step.
import type { RuntimeSettings } from '../spec/types.js';
import type { Layout } from '../sim/parallel.js';

type Host = Pick<RuntimeSettings, 'stepOverheadS' | 'hostPerSequenceS' | 'hostSamplingPerVocabS' | 'hostOverlap' | 'hostRunsAhead' | 'workerRpc'> & { scheduler?: Pick<RuntimeSettings['scheduler'], 'steps'> };

/** seconds of host time exposed in an iteration of `seqs` sequences whose device work takes `deviceS`; `vocab`: the
 *  model's vocabulary, for a runtime whose sampler walks it (0: none); `workers`: the devices one step drives (tp × pp);
 *  `decodes`: how many of the `seqs` decode (multi-step scheduling amortises their per-sequence part; 0: none) */
export function hostStepSeconds(rt: Host | undefined, seqs: number, deviceS: number, vocab = 0, workers = 1, decodes = 0): number {
  if (!rt) return 0;
  return exposedHostSeconds(rt, (rt.stepOverheadS ?? 0) + workerRpcSeconds(rt, workers), seqs, deviceS, vocab, decodes);
}

/** the host time a step of `seqs` sequences (`decodes` of them decoding) exposes beside its device work `deviceS`, given
 *  its fixed part `fixedS` (step_overhead and worker calls, or a caller's own): fixed + the per-sequence part (hidden
 *  beyond the device under host.overlap), or, where the loop runs ahead (host.runs_ahead) and the step decodes, only
 *  what the whole of it outlasts the device by; the step that opens the loop (a prompt step: nothing queued ahead of
 *  it) waits for its host time in full. simulate (hostStepSeconds) and serve (src/serve/step-cost.ts) both price here */
export function exposedHostSeconds(rt: Omit<Host, 'stepOverheadS' | 'workerRpc'>, fixedS: number, seqs: number, deviceS: number, vocab = 0, decodes = 0): number {
  if (rt.hostRunsAhead && decodes > 0) return exposedBeyondDevice(fixedS + hostPerSequenceSeconds({ ...rt, hostOverlap: false }, seqs, deviceS, vocab, decodes), deviceS);
  return fixedS + hostPerSequenceSeconds(rt, seqs, deviceS, vocab, decodes);
}

/** the part of a step's host time `hostS` the device waits for when the host runs ahead of it (host.runs_ahead): what
 *  outlasts the step's device work `deviceS` */
export function exposedBeyondDevice(hostS: number, deviceS: number): number {
  return Math.max(0, hostS - Math.max(0, deviceS));
}

/** the exposed host time a decode-only iteration adds above host.step_overhead where the runtime's attention backend
 *  plans on the host from indices it first copies back from the device (host.decode_plan_sync): SGLang 0.4's
 *  FlashInfer decode plan (flashinfer_backend.py init_forward_metadata_replay_cuda_graph -> wrapper.begin_forward, whose
 *  indptr.cpu() is a blocking device-to-host copy) waits for the step on the device, so the rest of the next step's
 *  preparation runs with the device idle whatever the overlap loop runs ahead: the device idles decode_plan_sync per
 *  step (the whole exposed host time of the step, so only its excess over step_overhead is added). Models with MLA
 *  run another backend in those releases (Triton; FlashInfer MLA's fast plan): none. `decodeOnly`: the iteration
 *  carries no prompt tokens (an extend step's plan is not priced) */
export function decodePlanSyncSeconds(rt: Pick<RuntimeSettings, 'stepOverheadS' | 'hostDecodePlanSyncS'> | undefined, mla: boolean, decodeOnly: boolean): number {
  const sync = rt?.hostDecodePlanSyncS;
  if (!sync || mla || !decodeOnly) return 0;
  return Math.max(0, sync - (rt.stepOverheadS ?? 0));
}

/** the decode steps one scheduling runs (scheduler.steps: vLLM V0's num_scheduler_steps; 1 when unset) */
export function schedulerSteps(rt: Pick<Host, 'scheduler'> | undefined): number {
  const n = rt?.scheduler?.steps;
  return n !== undefined && n > 1 ? n : 1;
}

/** the step's remote calls to its workers (host.worker_rpc): the first call's round trip and each further worker's
 *  submission; 0 for one worker (the engine runs it in process) or a runtime without worker RPC */
export function workerRpcSeconds(rt: Pick<RuntimeSettings, 'workerRpc'> | undefined, workers: number): number {
  const r = rt?.workerRpc;
  if (!r || !(workers > 1)) return 0;
  return r.roundTripS + (Math.floor(workers) - 1) * r.perWorkerS;
}

/** the workers a step of a tp x pp layout calls (host.worker_rpc): the tensor-parallel group's where the runtime's calls
 *  run on it (group 'tp': vLLM V0's broadcast_tensor_dict on the TP group), else every device's (vLLM 0.2's Ray actors) */
export function workerRpcWorkers(rt: Pick<RuntimeSettings, 'workerRpc'> | undefined, tp: number, pp: number): number {
  return rt?.workerRpc?.group === 'tp' ? tp : tp * pp;
}

/** the sequences one scheduler walks in an iteration of `seqs` (the replica's): under attention DP every rank runs an
 *  executor of its own over its share of the requests (TensorRT-LLM enable_attention_dp: one PyExecutor per rank;
 *  SGLang --enable-dp-attention: one Scheduler per DP rank), the ranks in parallel, so the host time per iteration is
 *  one rank's: seqs / tp; otherwise one scheduler walks them all (a TP group's ranks walk the same requests at once) */
export function schedulerSequences(L: Pick<Layout, 'attentionDp' | 'tp'>, seqs: number): number {
  return L.attentionDp && L.tp > 1 ? seqs / L.tp : seqs;
}

/** the per-sequence part alone (a caller that prices the fixed part itself: src/serve/step-cost.ts); `decodes` of the
 *  `seqs` pay 1/scheduler.steps of it */
export function hostPerSequenceSeconds(rt: Omit<Host, 'stepOverheadS'>, seqs: number, deviceS: number, vocab = 0, decodes = 0): number {
  const perSeq = (rt.hostPerSequenceS ?? 0) + (rt.hostSamplingPerVocabS ?? 0) * Math.max(0, vocab);
  const all = Math.max(0, seqs), dec = Math.min(all, Math.max(0, decodes));
  const per = perSeq * (all - dec + dec / schedulerSteps(rt));
  return rt.hostOverlap ? Math.max(0, per - Math.max(0, deviceS)) : per;
}
