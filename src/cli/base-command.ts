// Shared behaviour of every command: user mistakes print one line per problem and exit non-zero
// (never a stack trace); with --json oclif prints {"error": {"message": …}}.
import { Command, Errors } from '@oclif/core';
import { UserError } from '../spec/errors.js';

export abstract class BaseCommand extends Command {
  static enableJsonFlag = true;

  protected async catch(err: Error & { exitCode?: number; oclif?: unknown }): Promise<any> {
    if (err instanceof UserError || err.name === 'UserError') {
      if (this.jsonEnabled()) {
        process.exitCode = 2; // oclif's JSON path takes the code from process.exitCode
        return super.catch(new Errors.CLIError(err.message, { exit: 2 }));
      }
      process.stderr.write(err.message.split('\n').map((l) => `hwperf: ${l}`).join('\n') + '\n');
      process.exitCode = 2;
      return this.exit(2);
    }
    return super.catch(err);
  }
}
