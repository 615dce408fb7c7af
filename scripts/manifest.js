// Build step: write oclif.manifest.json so that a command loads only its own module at start-up.
import { Config } from '@oclif/core';
import { rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'oclif.manifest.json'), { force: true });
const config = await Config.load({ root });
const plugin = config.getPluginsList().find((p) => p.root === root || p.isRoot);
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 0));
console.log(`oclif manifest: ${Object.keys(plugin.manifest.commands).length} commands`);
