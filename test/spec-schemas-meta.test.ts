// The spec schemas (src/spec/schemas.ts) are valid JSON Schema: src/spec/load.ts compiles them without checking them
// against the meta-schema at run time (start-up, issue 15), so the check is here, with the options load.ts uses.
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { hardwareSchema, memorySchema, modelSchemas, runtimeSchema } from '../src/spec/schemas.js';

const schemas: [string, object][] = [['hardware', hardwareSchema], ['memory', memorySchema], ['runtime', runtimeSchema], ...Object.entries(modelSchemas).map(([k, v]) => [`model ${k}`, v] as [string, object])];

describe('spec schemas', () => {
  it.each(schemas)('%s is valid against the meta-schema and compiles', (_name, schema) => {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('the meta-schema check catches a malformed schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema({ type: 'object', properties: { x: { type: 'nonsense' } } })).toBe(false);
  });
});

// A runtime word list (graph capture, admission, sampling, batching, weight-only MoE kernel) is spelt once
// (src/spec/types.ts): the runtime file's enum and the --set option list are that list, so a word added to one is
// accepted by the other.
describe('runtime word lists', () => {
  it('the runtime schema enums and the --set options are the same words', async () => {
    const { SET_FIELDS } = await import('../src/hardware/set-path.js');
    const rt = runtimeSchema as any;
    const pairs: [string, unknown][] = [
      ['runtime.graphs', rt.properties.launch.properties.graphs.enum],
      ['runtime.admission', rt.properties.scheduler.properties.admission.enum],
      ['runtime.batching', rt.properties.scheduler.properties.batching.enum],
      ['runtime.weight_only_moe', rt.properties.kernels.properties.weight_only_moe_kernel.enum],
      ['runtime.sampling', ['greedy', 'random', 'top-p']],
    ];
    for (const [field, words] of pairs) expect(SET_FIELDS[field]!.options, field).toEqual(words);
  });
});
