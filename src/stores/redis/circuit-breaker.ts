/**
 * The state of a {@link CircuitBreaker}:
 * - `closed`: commands go to Redis.
 * - `open`: too many consecutive failures; commands fail at once without touching the network.
 * - `half-open`: the cool-down passed and one probe is in flight; commands still fail at once.
 *
 * @example
 * ```ts
 * const state: BreakerState = redis.usage().state;
 * if (state !== 'closed') console.warn(`redis tier ${state}: serving from memory and disk`);
 * ```
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Tuning of a {@link CircuitBreaker}, all times in ms. */
export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** How long the circuit stays open before a probe, ms; doubles per failed probe up to 8x. */
  coolDown: number;
}

/**
 * A consecutive-failure circuit breaker with a timed half-open probe. Why: a dead or hung Redis
 * (SIGSTOP, a full network queue) answers nothing, and without a breaker every cache read would
 * wait its full timeout and pile more commands on the socket. Once open, a read costs a branch.
 *
 * The probe runs on a timer (unref'd) rather than on the next user command, so the tier rejoins
 * on its own even when traffic is light, and no user command ever pays for a probe. A
 * connection-level "ready" can call {@link CircuitBreaker.probeNow} to rejoin sooner.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ threshold: 5, coolDown: 1_000 }, () => client.ping(), {
 *   onOpen: (error) => console.warn('redis tier off', error),
 *   onClose: () => console.info('redis tier back'),
 * });
 * if (!breaker.allows()) throw new Error('circuit open');
 * ```
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #opens = 0;
  #backoff = 1;
  #timer: NodeJS.Timeout | undefined;
  #options: BreakerOptions;
  #probe: () => Promise<unknown>;
  #hooks: { onOpen(error: unknown): void; onClose(): void };
  #stopped = false;

  constructor(
    options: BreakerOptions,
    probe: () => Promise<unknown>,
    hooks: { onOpen(error: unknown): void; onClose(): void },
  ) {
    this.#options = options;
    this.#probe = probe;
    this.#hooks = hooks;
  }

  /** The current state. */
  get state(): BreakerState {
    return this.#state;
  }

  /** How many times the circuit opened since creation. */
  get opens(): number {
    return this.#opens;
  }

  /** Whether a command may go to Redis now. */
  allows(): boolean {
    return this.#state === 'closed';
  }

  /** Records a command that reached Redis and got an answer. */
  success(): void {
    this.#failures = 0;
  }

  /** Records a command that timed out or lost its connection; may open the circuit. */
  failure(error: unknown): void {
    if (this.#state !== 'closed') return;
    if (++this.#failures < this.#options.threshold) return;
    this.#open(error);
  }

  /** Skips the rest of the cool-down and probes now (e.g. the connection just became ready). */
  probeNow(): void {
    if (this.#state !== 'open') return;
    clearTimeout(this.#timer);
    this.#runProbe();
  }

  /** Stops the probe timer for good. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #open(error: unknown): void {
    this.#state = 'open';
    this.#opens++;
    this.#hooks.onOpen(error);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#runProbe(), this.#options.coolDown * this.#backoff);
    this.#timer.unref();
  }

  #runProbe(): void {
    if (this.#stopped || this.#state !== 'open') return;
    this.#state = 'half-open';
    this.#probe().then(
      () => {
        if (this.#stopped) return;
        this.#state = 'closed';
        this.#failures = 0;
        this.#backoff = 1;
        this.#hooks.onClose();
      },
      () => {
        if (this.#stopped) return;
        this.#state = 'open';
        this.#backoff = Math.min(this.#backoff * 2, 8);
        this.#schedule();
      },
    );
  }
}
