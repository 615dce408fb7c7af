// A configuration that cannot serve at all (the weights leave no KV cache, a request longer than the cache) is a
// user-facing answer: one line, non-zero exit, like every UserError. `plan` catches it to skip a candidate.
import { UserError } from '../spec/errors.js';

export class CapacityError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
