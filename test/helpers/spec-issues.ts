// A spec file with one thing wrong gets one line naming the field: write `base` with `placeholder` replaced by each
// case's text into the scratch folder, load it, and check its issues are one line matching the case's pattern.
import { expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { loadSpecFile } from '../../src/spec/load.js';
import { formatIssue } from '../../src/spec/errors.js';

export async function expectOneIssueEach(write: (name: string, text: string) => string, base: string, placeholder: string, cases: readonly (readonly [string, RegExp])[]): Promise<void> {
  for (const [text, re] of cases) {
    const lines = (await loadSpecFile(write('case.yaml', base.replace(placeholder, text)))).errors.map(formatIssue);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(re);
  }
}

/** write a broken spec file and check it gives at least one error, every one a single line, one naming `field`;
 *  returns the lines for further checks */
export async function expectOneLineSpecErrors(file: string, text: string, field: RegExp): Promise<string[]> {
  writeFileSync(file, text);
  const lines = (await loadSpecFile(file)).errors.map(formatIssue);
  expect(lines.length).toBeGreaterThanOrEqual(1);
  expect(lines.join('\n')).toMatch(field);
  for (const l of lines) expect(l).not.toMatch(/\n|at .*\.ts:/);
  return lines;
}
