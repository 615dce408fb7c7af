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
