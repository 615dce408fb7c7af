import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { dtypeFlagBf16 } from '../cli/dtype-flag.js';
import { startProgress } from '../cli/progress.js';
import { findLibraryRuntime, libraryModel, resolveHardware, resolveModel } from '../spec/library.js';
import { UserError } from '../spec/errors.js';
import { resolveRuntime } from '../runtime/resolve.js';
import { parseSeconds } from '../sim/request.js';
import { plan } from '../serve/plan.js';
import { loadTrace } from '../serve/trace.js';
import { number } from '../serve/flags.js';
import { parsePriceFlag, priceFor } from '../sim/price.js';
import { renderPlan } from '../report/plan-text.js';

export default class Plan extends BaseCommand {
  static summary = 'Cheapest deployment that meets p99 TTFT/TPOT SLOs at a request rate: hardware × tp/pp/ep × replicas × aggregated/disaggregated.';
  static examples = [
    '<%= config.bin %> plan --model llama-3.1-70b --rate 20 --slo-ttft 2s --slo-tpot 50ms --hardware h100-sxm,h200-sxm,mi300x --input-tokens 2048 --output-tokens 256',
    '<%= config.bin %> plan --model llama-3.1-8b --rate 50 --slo-tpot 30ms --hardware h100-sxm,l40s --max-devices 16 --json',
  ];
  static flags = {
    model: Flags.string({ char: 'm', description: 'model id or YAML file (a decoder LLM)', required: true }),
    hardware: Flags.string({ char: 'H', description: 'comma-separated hardware ids or YAML files to choose from', required: true }),
    rate: Flags.string({ description: 'requests per second to serve (Poisson arrivals)', required: true }),
    'slo-ttft': Flags.string({ description: 'p99 time to first token limit (s, or e.g. 2s)' }),
    'slo-tpot': Flags.string({ description: 'p99 time per output token limit (s, or e.g. 50ms)' }),
    'input-tokens': Flags.string({ description: 'prompt tokens: N or uniform:a,b / normal:mean,sd / lognormal:mean,sd (,max=N: capped) / sharegpt[:mean]', default: '512' }),
    'output-tokens': Flags.string({ description: 'generated tokens: N or a distribution', default: '128' }),
    trace: Flags.string({ description: 'JSONL or CSV trace of request lengths (arrivals at --rate when it has no arrival_s)' }),
    'max-devices': Flags.integer({ description: 'devices at most in one deployment', default: 64 }),
    runtime: Flags.string({ description: 'serving runtime (scheduler): vllm, sglang, tensorrt-llm' }),
    dtype: dtypeFlagBf16,
    requests: Flags.integer({ description: 'requests per discrete-event run', default: 1000 }),
    seed: Flags.integer({ description: 'random seed', default: 0 }),
    price: Flags.string({ description: 'USD per device-hour: one number for every part, or ID=USD[,ID=USD…]' }),
    'no-disaggregation': Flags.boolean({ description: 'consider aggregated deployments only' }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Plan);
    const model = await resolveModel(flags.model);
    const ids = flags.hardware.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) throw new UserError('--hardware: give at least one hardware id');
    const hardware = [];
    for (const id of ids) hardware.push(await resolveHardware(id));
    // --price as simulate and compare take it (one parser, one message): ids as given on the command line or as resolved
    const given = parsePriceFlag(flags.price, [...new Set([...ids, ...hardware.map((h) => h.id)])]);
    const byId = new Map<string, number>();
    for (const [i, h] of hardware.entries()) {
      const usd = given?.all === undefined ? priceFor(given, ids[i], h.id) : undefined;
      if (usd !== undefined) byId.set(h.id, usd);
    }
    // --runtime names the scheduler of every option: a library runtime (an unknown id is an error, never a silent default)
    if (flags.runtime !== undefined && !findLibraryRuntime(flags.runtime)) {
      await resolveRuntime(flags.runtime); // the one-line error of an unknown id or a bad file
      throw new UserError(`--runtime ${flags.runtime}: plan takes a library runtime id (hwperf list runtimes)`);
    }
    const progress = startProgress({ label: 'plan', json: this.jsonEnabled() });
    let result;
    try {
      result = plan({
        model, hardware, resolveModel: libraryModel,
        rate: number('rate', flags.rate)!,
        sloTtftS: parseSeconds('slo-ttft', flags['slo-ttft']),
        sloTpotS: parseSeconds('slo-tpot', flags['slo-tpot']),
        inputTokens: flags['input-tokens'], outputTokens: flags['output-tokens'],
        traceRows: flags.trace !== undefined ? loadTrace(flags.trace, (model as { context?: number }).context ?? Infinity) : undefined,
        maxDevices: flags['max-devices'], runtime: flags.runtime, dtype: flags.dtype, requests: flags.requests, seed: flags.seed,
        prices: byId, priceAll: given?.all, disaggregation: !flags['no-disaggregation'],
        onProgress: (d, t) => progress.update(d, t),
      });
    } finally {
      progress.done();
    }
    if (!this.jsonEnabled()) this.log(renderPlan(result));
    return result;
  }
}
