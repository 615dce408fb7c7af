// `npm run snapshot`: write command-snapshot.json, the flags and args of every command as the oclif
// manifest has them (after salesforcecli/plugin-org's command-snapshot.json). test/json-schemas.test.ts
// compares the manifest with this file, so that a renamed, dropped or retyped flag is a visible diff.
// Descriptions are left out (wording is not a contract); defaults that are paths inside the package are
// written relative to its root, so that the file does not depend on where the package is checked out.
//
//   npm run build && npm run snapshot
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A default as the snapshot writes it: paths under `root` relative to it, with / separators. */
function portable(value, root) {
  const dir = resolve(root); // no trailing separator
  if (typeof value !== 'string' || !value.startsWith(dir + sep)) return value;
  return relative(dir, value).split(sep).join('/');
}

/** Only the keys that are set, in a fixed order. */
function pick(obj, keys) {
  const out = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/**
 * The snapshot of an oclif manifest: commands sorted by id, each with its args in order and its flags sorted by
 * name (type boolean|option, char, required, default, multiple, options, allowNo).
 * @param {{commands: Record<string, any>}} manifest
 * @param {string} [pkgRoot]
 */
export function snapshotFromManifest(manifest, pkgRoot = root) {
  return Object.keys(manifest.commands)
    .sort()
    .map((id) => {
      const c = manifest.commands[id];
      const flags = {};
      for (const name of Object.keys(c.flags ?? {}).sort()) {
        const f = c.flags[name];
        flags[name] = {
          ...pick(f, ['type', 'char']),
          required: f.required === true,
          ...pick({ ...f, default: portable(f.default, pkgRoot) }, ['default']),
          ...(f.type === 'option' ? { multiple: f.multiple === true } : {}),
          ...pick(f, ['options']),
          ...(f.type === 'boolean' && f.allowNo ? { allowNo: true } : {}),
        };
      }
      const args = Object.values(c.args ?? {}).map((a) => ({
        name: a.name,
        required: a.required === true,
        ...pick({ ...a, default: portable(a.default, pkgRoot) }, ['default', 'options']),
      }));
      return { command: id, strict: c.strict !== false, args, flags };
    });
}

/** The snapshot as the file holds it (2-space JSON, final newline). */
export function snapshotText(manifest, pkgRoot = root) {
  return `${JSON.stringify(snapshotFromManifest(manifest, pkgRoot), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const manifestFile = join(root, 'oclif.manifest.json');
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (e) {
    console.error(`snapshot: cannot read ${manifestFile} (${e.message}); run \`npm run build\` first`);
    process.exit(1);
  }
  writeFileSync(join(root, 'command-snapshot.json'), snapshotText(manifest));
  console.log(`command-snapshot.json: ${Object.keys(manifest.commands).length} commands`);
}
