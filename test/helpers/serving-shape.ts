// The layout and request sizes the decoder property files draw (test/invariants.property.test.ts decoderFlags,
// test/unmixed-ep.property.test.ts's unmixed flags): spread into an fc.record between the fields a file draws its own
// way. fc.record draws its fields in key order, so spreading these in the same place keeps each file's seeded draws.
import fc from 'fast-check';

export const servingShape = {
  tp: fc.constantFrom(1, 1, 2, 4, 8),
  pp: fc.constantFrom(1, 1, 1, 2),
  batch: fc.integer({ min: 1, max: 256 }),
  'input-tokens': fc.integer({ min: 0, max: 4096 }),
  'output-tokens': fc.integer({ min: 1, max: 1024 }),
};
