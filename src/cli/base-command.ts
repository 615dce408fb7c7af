// Shared behaviour of every command: user mistakes print one line per problem and exit non-zero
// (never a stack trace); with --json oclif prints {"error": {"message": …}}. The global --spec-root flag
// widens the folders that a spec file's `extends:` paths may reach (src/spec/safe-read.ts).
import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { statSync } from 'node:fs';
import { escapeControls, escapeQuoted, maskEcho, UserError } from '../spec/errors.js';
import { setSpecRoots } from '../spec/safe-read.js';

export abstract class BaseCommand extends Command {
  static enableJsonFlag = true;
  static baseFlags = {
    'spec-root': Flags.string({
      description: 'a folder that `extends:` paths in spec files may reach (default: the folder of each spec file named)',
      helpGroup: 'GLOBAL',
    }),
  };

  protected async parse<F extends Interfaces.OutputFlags<any>, B extends Interfaces.OutputFlags<any>, A extends Interfaces.OutputArgs<any>>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const r = await super.parse(options, argv);
    // oclif's integer flags parse with parseInt: 400 digits become Infinity, which no check downstream expects
    for (const [k, v] of Object.entries(r.flags as Record<string, unknown>)) {
      if ((Array.isArray(v) ? v : [v]).some((x) => typeof x === 'number' && !Number.isFinite(x))) {
        throw new UserError(`--${k}: the number is too large (at most 1e308)`);
      }
    }
    const root = (r.flags as Record<string, unknown>)['spec-root'];
    setSpecRoots([]); // a root given to an earlier command in this process does not carry over
    if (typeof root === 'string') {
      let dir = false;
      try {
        dir = statSync(root).isDirectory();
      } catch {
        dir = false;
      }
      if (!dir) throw new UserError(`--spec-root: ${root} is not a folder`);
      setSpecRoots([root]);
    }
    return r;
  }

  // Every --json result object carries `warnings` (docs/design.md, contract second round): commands with nothing to
  // warn about get an empty list rather than no key.
  protected toSuccessJson(result: unknown): any {
    if (result && typeof result === 'object' && !Array.isArray(result) && !('warnings' in result)) return { ...result, warnings: [] };
    return result;
  }

  protected async catch(err: Error & { exitCode?: number; oclif?: unknown }): Promise<any> {
    if (err instanceof UserError || err.name === 'UserError') {
      // a message of spec issues is one line per issue, each escaped already (formatIssue); any other is one line,
      // whatever the user's text in it holds (a file name with a newline printed two lines)
      const raw = (err as UserError).issues?.length ? err.message : escapeControls(err.message);
      const message = maskEcho(escapeQuoted(raw));
      if (this.jsonEnabled()) {
        process.exitCode = 2; // oclif's JSON path takes the code from process.exitCode
        return super.catch(new Errors.CLIError(message, { exit: 2 }));
      }
      process.stderr.write(message.split('\n').map((l) => `hwperf: ${l}`).join('\n') + '\n');
      process.exitCode = 2;
      return this.exit(2);
    }
    const exit = typeof err.exitCode === 'number' ? err.exitCode : (err.oclif as { exit?: number } | undefined)?.exit;
    if (exit === 0 || /^EEXIT/.test(String(err.message)) || (err as { code?: string }).code === 'EEXIT') return super.catch(err); // this.exit(n)
    // every other failure is one line too: oclif's flag-parsing messages (several lines with "›" marks), and
    // — never expected — an internal error, named as such, without a stack
    const isOclif = err.oclif !== undefined || err.name === 'CLIError' || /Error$/.test(err.constructor?.name ?? '') && 'parse' in err;
    const text = `${isOclif ? '' : 'internal error: '}${oclifMessage(String(err.message ?? err))}${isOclif ? '' : ' (please report this)'}`;
    const code = isOclif ? (exit === 1 ? 1 : 2) : 1;
    if (!isOclif && process.env.HWPERF_DEBUG) process.stderr.write(`${err.stack}\n`); // for the developer chasing it
    process.exitCode = code;
    if (this.jsonEnabled()) return super.catch(new Errors.CLIError(text, { exit: code }));
    process.stderr.write(`hwperf: ${text}\n`);
    return this.exit(code);
  }
}

/** oclif's parser messages as one line, the user's value quoted (and masked, see maskEcho). */
export function oclifMessage(raw: string): string {
  const text = raw
    .split('\n')
    .map((l) => l.replace(/^[\s›]+/, '').trim())
    .filter((l) => l && !/^See more help with/.test(l))
    .join(' — ')
    .replace(/Parsing --([\w-]+) — Expected an? (\w+) but received: (.*)$/, (_, f: string, kind: string, v: string) => `--${f}: expected ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}, found ${JSON.stringify(v)}`)
    .replace(/Expected --([\w-]+)=(.*) to be one of: (.*)$/, (_, f: string, v: string, opts: string) => `--${f}: expected one of ${opts}, found ${JSON.stringify(v)}`)
    .replace(/^(Unexpected arguments?|Nonexistent flags?): (.*)$/, (_, what: string, v: string) => `${what}: ${v.split(/,\s*/).map((x) => JSON.stringify(x)).join(', ')}`);
  return maskEcho(text);
}
