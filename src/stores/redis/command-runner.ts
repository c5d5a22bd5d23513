import { KeepsakeError } from '../../errors.js';
import { type BreakerState, CircuitBreaker } from './circuit-breaker.js';
import type { ScriptClient } from './scripts.js';

/** Reply errors that mean the server cannot serve now (rather than a bad command). */
const UNAVAILABLE = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY)\b/;

/** The fail-open counters a {@link CommandRunner} keeps, reported by `RedisStore.usage()`. */
export interface RunnerCounters {
  state: BreakerState;
  commands: number;
  failures: number;
  timeouts: number;
  rejected: number;
  breakerOpens: number;
}

/**
 * Runs every command of one Redis store with the fail-open rules: a closed or open-circuit
 * store fails at once; once the client has been connected, a lost connection fails at once too
 * (instead of queueing in ioredis's offline queue, which is unbounded on a user's client);
 * otherwise the command runs under a timeout, and timeouts and lost connections count toward
 * the circuit breaker. Reply errors (the server answered) do not.
 *
 * @example
 * ```ts
 * const runner = new CommandRunner(client, 'redis', { commandTimeout: 250, breaker }, report);
 * const value = await runner.run('get', 'k', 0, (c) => c.getBuffer('k'));
 * ```
 */
export class CommandRunner {
  #client: ScriptClient;
  #name: string;
  #timeout: number;
  #breaker: CircuitBreaker;
  #everReady: boolean;
  #closed = false;
  #commands = 0;
  #failures = 0;
  #timeouts = 0;
  #rejected = 0;
  #onReady = () => {
    this.#everReady = true;
    // A reconnect is the best moment to probe: no need to wait out the cool-down.
    this.#breaker.probeNow();
  };

  constructor(
    client: ScriptClient,
    name: string,
    options: { commandTimeout: number; breaker: { threshold: number; coolDown: number } },
    report: (op: string, error: unknown) => void,
  ) {
    this.#client = client;
    this.#name = name;
    this.#timeout = options.commandTimeout;
    this.#everReady = client.status === 'ready';
    client.on('ready', this.#onReady);
    const { threshold } = options.breaker;
    this.#breaker = new CircuitBreaker(options.breaker, () => this.#ping(), {
      onOpen: (error) =>
        report(
          'breaker',
          new KeepsakeError('ERR_STORE', `redisStore "${name}": circuit opened`, {
            cause: error,
            hint: `${threshold} commands failed in a row; the tier is skipped until a probe succeeds`,
          }),
        ),
      onClose: () => {},
    });
  }

  /** The counters and the breaker's state. */
  counters(): RunnerCounters {
    return {
      state: this.#breaker.state,
      commands: this.#commands,
      failures: this.#failures,
      timeouts: this.#timeouts,
      rejected: this.#rejected,
      breakerOpens: this.#breaker.opens,
    };
  }

  /**
   * Runs `command` on the client. `bytes` (the payload written) adds 1 ms per 16 KiB to the
   * timeout; `timeout` overrides it.
   */
  run<T>(
    op: string,
    key: string | undefined,
    bytes: number,
    command: (client: ScriptClient) => Promise<T>,
    timeout = this.#timeout + (bytes >> 14),
  ): Promise<T> {
    if (this.#closed) return Promise.reject(closedError(op));
    if (!this.#breaker.allows()) {
      this.#rejected++;
      return Promise.reject(this.#unavailable(op, key, 'the circuit breaker is open'));
    }
    const status = this.#client.status;
    // Before the first connection, commands queue in ioredis, bounded by the timeout below.
    if (this.#everReady && status !== 'ready') {
      this.#rejected++;
      return Promise.reject(this.#unavailable(op, key, `the connection is ${status}`));
    }
    this.#commands++;
    const where = key === undefined ? op : `${op} ${JSON.stringify(key)}`;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.#timeouts++;
        const error = new KeepsakeError(
          'ERR_TIMEOUT',
          `redisStore ${where}: no answer within ${timeout} ms`,
          { hint: 'Redis is slow or unreachable; raise `commandTimeout` if it is only slow' },
        );
        this.#failed(error, true);
        reject(error);
      }, timeout);
      let pending: Promise<T>;
      try {
        pending = command(this.#client);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.#breaker.success();
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const message = error instanceof Error ? error.message : String(error);
          const down =
            (error as Error | undefined)?.name !== 'ReplyError' || UNAVAILABLE.test(message);
          this.#failed(error, down);
          const hint = down
            ? 'Redis is unreachable; the cache carries on without this tier'
            : 'Redis refused the command; is another program using this prefix?';
          reject(
            new KeepsakeError('ERR_STORE', `redisStore ${where}: ${message}`, {
              cause: error,
              hint,
            }),
          );
        },
      );
    });
  }

  /** Fails every later call with `ERR_CLOSED` and stops the probe timer. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#breaker.stop();
    this.#client.off('ready', this.#onReady);
  }

  #failed(error: unknown, down: boolean): void {
    this.#failures++;
    if (down) this.#breaker.failure(error);
    else this.#breaker.success();
  }

  /** The half-open probe: a PING under the usual timeout, bypassing the breaker. */
  #ping(): Promise<unknown> {
    if (this.#closed) return Promise.reject(closedError('ping'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('probe timed out')), this.#timeout);
      this.#client.ping().then(
        (pong) => {
          clearTimeout(timer);
          resolve(pong);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  #unavailable(op: string, key: string | undefined, why: string): KeepsakeError {
    const where = key === undefined ? op : `${op} ${JSON.stringify(key)}`;
    return new KeepsakeError('ERR_UNAVAILABLE', `redisStore "${this.#name}" ${where}: ${why}`, {
      hint: 'the cache carries on without this tier until Redis answers again',
    });
  }
}

/**
 * The error of a call on a closed store.
 *
 * @example
 * ```ts
 * if (closed) throw closedError('get');
 * ```
 */
export function closedError(op: string): KeepsakeError {
  return new KeepsakeError('ERR_CLOSED', `redisStore ${op} after close()`, {
    hint: 'create a new store, or close it only when done',
  });
}
