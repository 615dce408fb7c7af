// Flags that do not apply to a model's family are an error on the command line (they would be silently ignored):
// `--resolution` on an LLM, `--audio-seconds` on a DiT. Pipelines take the flags of the families of their stages.
// Sweeps do not check (a grid spans families by design); a flag that applies but has no effect in the configuration
// given (a latency limit without --batch max) is a warning.
import type { NormalizedModel, PipelineModel } from '../spec/types.js';
import { UserError } from '../spec/errors.js';

// flags that belong to some families only (the rest — dtype, batch, devices, what-ifs — apply everywhere)
const FAMILY_FLAGS: Record<string, string[]> = {
  decoder: ['input-tokens', 'output-tokens', 'kv-cache', 'max-tpot', 'max-ttft', 'attention-dp'],
  'encoder-decoder': ['audio-seconds', 'output-tokens', 'kv-cache', 'detect-language'],
  dit: ['resolution', 'frames', 'steps', 'cfg'],
  vae: ['resolution', 'frames'],
  encoder: [],
};
const CHECKED = ['input-tokens', 'output-tokens', 'kv-cache', 'max-tpot', 'max-ttft', 'attention-dp', 'audio-seconds', 'resolution', 'frames', 'steps', 'cfg', 'detect-language'];

function applicable(model: NormalizedModel, resolve: (id: string) => NormalizedModel): Set<string> {
  const out = new Set<string>(FAMILY_FLAGS[model.family] ?? []);
  if (model.family === 'encoder' && (model as { modality?: string }).modality === 'image') out.add('resolution');
  if (model.family === 'pipeline') {
    const pipe = model as PipelineModel;
    for (const st of pipe.stages) {
      const sub = resolve(st.model);
      for (const f of applicable(sub, resolve)) if (!f.startsWith('max-') && f !== 'attention-dp' && f !== 'detect-language') out.add(f); // a pipeline's Whisper stage does not price language detection
      if (sub.family === 'encoder' && st.role === 'cross-attention') ['input-tokens', 'output-tokens'].forEach((f) => out.add(f));
      if (st.runs === 'per_window' || st.tokens_per_second) out.add('audio-seconds');
    }
    if (pipe.stages.some((st) => resolve(st.model).family === 'decoder')) ['attention-dp'].forEach((f) => out.add(f));
  }
  return out;
}

/** flag names as typed (kebab-case); throws a UserError for the first that does not apply, returns warnings */
export function checkFlagsApply(given: Iterable<string>, model: NormalizedModel, resolve: (id: string) => NormalizedModel, batch?: string | number): string[] {
  const ok = applicable(model, resolve);
  const set = new Set(given);
  for (const f of CHECKED) {
    if (!set.has(f) || ok.has(f)) continue;
    const where = Object.entries(FAMILY_FLAGS).filter(([, fl]) => fl.includes(f)).map(([fam]) => fam);
    throw new UserError(`--${f} does not apply to ${model.id} (a ${model.family} model); it applies to ${where.join(', ')}${where.length ? ' models and ' : ''}pipelines with such stages — drop it`);
  }
  const warnings: string[] = [];
  for (const f of ['max-tpot', 'max-ttft']) {
    if (set.has(f) && ok.has(f) && String(batch ?? '1').toLowerCase() !== 'max') warnings.push(`--${f} limits the batch that --batch max picks; with --batch ${batch ?? 1} it has no effect`);
  }
  return warnings;
}

/**
 * compare's rule (several models, one set of flags): a family flag must apply to at least one of the models, else it
 * would be ignored by every pair; throws a UserError for the first that applies to none.
 */
export function checkFlagsApplyToAny(given: Iterable<string>, models: NormalizedModel[], resolve: (id: string) => NormalizedModel): void {
  const ok = new Set(models.flatMap((m) => [...applicable(m, resolve)]));
  const set = new Set(given);
  for (const f of CHECKED) {
    if (!set.has(f) || ok.has(f) || models.length === 0) continue;
    const families = [...new Set(models.map((m) => m.family))].join(', ');
    throw new UserError(`--${f} applies to none of the models compared (${families} models) — drop it`);
  }
}

/**
 * Flags a command inherits from simulate but has no use for (compare and roofline take simulate's flags): each one
 * given is an error naming what to use instead, never silently ignored. `notHere` maps flag → the alternative.
 */
export function refuseFlags(command: string, flags: Record<string, unknown>, notHere: Record<string, string>): void {
  for (const [flag, instead] of Object.entries(notHere)) {
    const v = flags[flag];
    if (v !== undefined && v !== false) throw new UserError(`--${flag} does not apply to ${command}: ${instead}`);
  }
}
