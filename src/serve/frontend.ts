// The serving front end: the API-server process between the client and the engine (vLLM's `vllm serve` API server,
// SGLang's TokenizerManager). One Python process by default, so a serial resource: it takes each request in (HTTP
// parsing, chat template, tokenization, handing the request to the engine) and streams every output token back
// (detokenization, one server-sent event per token per request). The engine runs apart (its own process) and does not
// wait for it; what the front end delays is what the client sees: when a request reaches the engine, and when each
// token reaches the client.
//
// Closed form per event, no per-token loop: the front end is one queue of work, drained at one process-second per
// second (`processes` API servers share it evenly: each cost is divided by their number).
//   intake      a request sent at t reaches the engine at max(t, intakeFree) + perRequest. Intake goes first
//               (asyncio runs a new request's handler between the output handler's chunks; vLLM V1 breaks the
//               output processing of one engine step into chunks for this, PR #12287), so it delays the tokens queued
//               behind it by perRequest and is not delayed by them.
//   tokens      the n tokens an engine iteration ending at t produced reach the client at
//               tokenFree = max(tokenFree, t) + n · perToken, in iteration order (the output handler reads the engine's
//               outputs in order). Every token of the iteration is taken to arrive when the iteration's last does.
// With both costs 0 nothing moves (the engine's own times are the client's).
export interface FrontendCost {
  perRequestS: number; // s of front-end time per request taken in
  perTokenS: number; // s of front-end time per output token streamed
  // the API server runs in the engine's own process (vLLM before 0.6: the AsyncLLMEngine and the OpenAI server shared
  // one asyncio loop until PR #6883 moved the engine to its own process in v0.6.0), so it is not apart: the engine
  // begins its next iteration only once its front end has streamed the tokens of the one before (src/serve/engine.ts
  // kick; per replica, each being a server of its own)
  sharedWithEngine?: boolean;
}

export class Frontend {
  private intakeFree = 0;
  private tokenFree = 0;

  constructor(private readonly c: FrontendCost) {}

  /** when a request sent at t reaches the engine */
  intake(t: number): number {
    const done = Math.max(t, this.intakeFree) + this.c.perRequestS;
    this.intakeFree = done;
    this.tokenFree = Math.max(this.tokenFree, t) + this.c.perRequestS;
    return done;
  }

  /** when n tokens produced at t reach the client (after every token produced before them) */
  stream(t: number, n: number): number {
    this.tokenFree = Math.max(this.tokenFree, t) + n * this.c.perTokenS;
    return this.tokenFree;
  }

  /** the time the tokens streamed so far have all reached the client */
  get delivered(): number {
    return this.tokenFree;
  }
}
