// Build step: load every YAML under hardware/ and models/ through the spec layer (schema, units,
// rules) and write dist/library.json with SI numbers. Fails the build on any invalid library file.
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpecFile } from '../dist/spec/load.js';
import { formatIssue } from '../dist/spec/errors.js';
import { HARDWARE_DIR, MODELS_DIR, RUNTIMES_DIR, PACKAGE_ROOT, yamlFilesUnder } from '../dist/spec/paths.js';

const out = { models: {}, hardware: {}, memory: {}, runtimes: {} };
const problems = [];
const files = [...yamlFilesUnder(HARDWARE_DIR), ...yamlFilesUnder(MODELS_DIR), ...yamlFilesUnder(RUNTIMES_DIR)];
for (const f of files) {
  const r = await loadSpecFile(f);
  problems.push(...r.errors);
  if (!r.value) continue;
  const id = f.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
  if (r.value.spec.id !== id) problems.push({ file: f, path: 'id', message: `id "${r.value.spec.id}" differs from the file name "${id}"` });
  const table = { model: out.models, hardware: out.hardware, memory: out.memory, runtime: out.runtimes }[r.value.kind];
  if (table[id]) problems.push({ file: f, path: 'id', message: `duplicate id "${id}"` });
  r.value.spec.file = f.slice(PACKAGE_ROOT.length + 1);
  table[id] = r.value.spec;
}
// Cross-references: memory technologies and pipeline stages must exist.
for (const h of Object.values(out.hardware)) {
  if (h.memory.technology !== 'unknown' && !out.memory[h.memory.technology]) {
    problems.push({ file: h.file, path: 'memory.technology', message: `unknown memory technology "${h.memory.technology}"` });
  }
  const tech = out.memory[h.memory.technology];
  if (tech && h.memory.energyJPerBit === undefined && tech.energyJPerBit !== undefined) h.memory.energyJPerBit = tech.energyJPerBit;
}
for (const m of Object.values(out.models)) {
  if (m.family === 'vae') {
    (m.components ?? []).forEach((id, i) => {
      const c = out.models[id];
      if (!c) problems.push({ file: m.file, path: `components.${i}`, message: `unknown model "${id}"` });
      else if (c.family !== 'vae') problems.push({ file: m.file, path: `components.${i}`, message: `"${id}" is a ${c.family}, not a vae` });
    });
  }
  if (m.family !== 'pipeline') continue;
  m.stages.forEach((s, i) => {
    if (!out.models[s.model]) problems.push({ file: m.file, path: `stages.${i}.model`, message: `unknown model "${s.model}"` });
  });
}
// Runtimes: per-hardware overrides name library hardware, per-architecture ones an architecture library hardware has.
const architectures = new Set(Object.values(out.hardware).map((h) => h.architecture).filter((a) => a !== undefined));
for (const r of Object.values(out.runtimes)) {
  for (const h of Object.keys(r.byHardware)) {
    if (!out.hardware[h]) problems.push({ file: r.file, path: `by_hardware.${h}`, message: `unknown hardware "${h}"` });
  }
  for (const a of Object.keys(r.byArchitecture)) {
    if (!architectures.has(a)) problems.push({ file: r.file, path: `by_architecture.${a}`, message: `no library hardware has architecture "${a}" (${[...architectures].sort().join(', ')})` });
  }
}
if (problems.length) {
  for (const p of problems) console.error(formatIssue(p));
  console.error(`compile-library: ${problems.length} problem(s) in the library`);
  process.exit(1);
}
const target = join(PACKAGE_ROOT, 'dist', 'library.json');
// One JSON document, one entry per line (src/spec/library.ts parses an entry when it is first used: a command on
// two library ids parses two entries, not the whole library), ASCII (other characters as \uXXXX escapes).
const sections = Object.entries(out).map(([kind, rec]) => `${JSON.stringify(kind)}:{\n${Object.entries(rec).map(([id, v]) => `${JSON.stringify(id)}:${JSON.stringify(v)}`).join(',\n')}\n}`);
const text = `{\n${sections.join(',\n')}\n}\n`.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(out)) throw new Error('compile-library: the line layout changed the library');
writeFileSync(target + '.tmp', text);
renameSync(target + '.tmp', target);
console.log(
  `compiled library: ${Object.keys(out.models).length} models, ${Object.keys(out.hardware).length} hardware, ${Object.keys(out.memory).length} memory technologies, ${Object.keys(out.runtimes).length} runtimes`,
);
