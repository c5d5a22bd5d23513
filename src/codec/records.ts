import { Buffer } from 'node:buffer';
import fsp from 'node:fs/promises';
import { KeepsakeError } from '../errors.js';
import { publish } from '../events.js';
import { blobLength, compressionCode, seal } from './envelope.js';
import { ioError } from './files.js';
import { HEADER_SIZE } from './format.js';
import type { DeserializeOptions, SerializeOptions } from './options.js';
import { checkDeserializeOptions, decodePayload, encodePayload } from './serialize.js';

/**
 * Appends values to a record file one after another, like repeated `pickle.dump` calls on one
 * file. Each record is a whole blob with its own length and checksum.
 *
 * @example
 * ```ts
 * const writer = await openRecordWriter('events.ksr', { append: true });
 * for (const event of batch) await writer.write(event);
 * await writer.close();
 * ```
 */
export interface RecordWriter {
  /** Encodes `value` and queues it; resolves once it is handed to the OS (buffered writes are
   * batched). Records keep the order of `write` calls. */
  write(value: unknown): Promise<void>;
  /** Writes everything queued and flushes it to the device. */
  flush(): Promise<void>;
  /** Flushes and closes the file. Further writes throw `ERR_CLOSED`. */
  close(): Promise<void>;
}

/**
 * Options of {@link openRecordWriter}.
 *
 * @example
 * ```ts
 * const writer = await openRecordWriter('audit.ksr', { append: true, batchBytes: 0 });
 * ```
 */
export interface RecordWriterOptions extends SerializeOptions {
  /** Keep existing records and add after them (a torn last record from a crash is cut off
   * first). With `false` an existing file is replaced. @default false */
  append?: boolean;
  /** Bytes queued before they are handed to the OS. `0` writes every record at once, so a
   * killed process loses no record whose `write` resolved (the OS still holds it); larger
   * batches trade that for throughput. `flush()`/`close()` also fsync. @default 262144 */
  batchBytes?: number;
}

/**
 * Options of {@link readRecords}.
 *
 * @example
 * ```ts
 * for await (const event of readRecords<AuditEvent>('audit.ksr', { onTornTail: 'truncate' })) {
 *   handle(event);
 * }
 * ```
 */
export interface ReadRecordsOptions extends DeserializeOptions {
  /** What to do when the file ends in a torn record (a crash mid-write): `'ignore'` ends the
   * iteration after the last whole record, `'error'` throws `ERR_CORRUPT` there, and
   * `'truncate'` also cuts the torn bytes off the file. Every case is published on
   * `keepsake:error`. @default 'ignore' */
  onTornTail?: 'error' | 'truncate' | 'ignore';
}

const CHUNK = 1 << 20;

/**
 * Reads a record file sequentially through one buffer, so memory stays at the larger of 1 MiB
 * and the largest record, whatever the file's size.
 */
class RecordScanner {
  #buf = Buffer.allocUnsafe(CHUNK);
  #start = 0;
  #end = 0;
  #eof = false;
  /** File offset of `#buf[#start]`. */
  offset = 0;

  constructor(readonly handle: fsp.FileHandle) {}

  async #fill(need: number): Promise<boolean> {
    while (this.#end - this.#start < need && !this.#eof) {
      if (this.#start > 0) {
        this.#buf.copy(this.#buf, 0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      }
      if (need > this.#buf.length) {
        const bigger = Buffer.allocUnsafe(need);
        this.#buf.copy(bigger, 0, 0, this.#end);
        this.#buf = bigger;
      }
      const { bytesRead } = await this.handle.read(
        this.#buf,
        this.#end,
        this.#buf.length - this.#end,
        null,
      );
      if (bytesRead === 0) this.#eof = true;
      this.#end += bytesRead;
    }
    return this.#end - this.#start >= need;
  }

  /** The next whole record as `[bytes, at, length]`, `null` at a clean end, or `'torn'`. */
  async next(): Promise<[Buffer, number, number] | null | 'torn'> {
    if (!(await this.#fill(HEADER_SIZE))) return this.#end > this.#start ? 'torn' : null;
    const length = blobLength(this.#buf, this.#start);
    if (!(await this.#fill(length))) return 'torn';
    const at = this.#start;
    this.#start += length;
    this.offset += length;
    return [this.#buf, at, length];
  }

  /** True when nothing follows the last record returned. */
  async atEnd(): Promise<boolean> {
    return !(await this.#fill(1));
  }
}

function tornError(file: string, offset: number): KeepsakeError {
  return new KeepsakeError(
    'ERR_CORRUPT',
    `record file ${file} ends in a torn record at byte ${offset}`,
    {
      hint: "a writer crashed mid-record; read with { onTornTail: 'truncate' } to cut it off",
    },
  );
}

/**
 * Yields every record of a record file in order and ends at EOF, without knowing the count
 * and with bounded memory. A torn last record (crash mid-write) is handled per `onTornTail`;
 * a damaged record before the end throws `ERR_CORRUPT`.
 *
 * @example
 * ```ts
 * for await (const row of readRecords<Row>('rows.ksr')) total += row.amount;
 * ```
 */
export function readRecords<T = unknown>(
  file: string,
  options?: ReadRecordsOptions,
): AsyncIterableIterator<T> {
  // Checked here, not inside the generator: bad options fail at the call, not at first next().
  const onTorn = options?.onTornTail ?? 'ignore';
  if (onTorn !== 'ignore' && onTorn !== 'error' && onTorn !== 'truncate') {
    throw new KeepsakeError('ERR_OPTIONS', `unknown onTornTail "${String(onTorn)}"`, {
      hint: "use 'ignore', 'error' or 'truncate'",
    });
  }
  checkDeserializeOptions(options);
  return records<T>(file, onTorn, options);
}

async function* records<T>(
  file: string,
  onTorn: 'error' | 'truncate' | 'ignore',
  options: ReadRecordsOptions | undefined,
): AsyncIterableIterator<T> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, onTorn === 'truncate' ? 'r+' : 'r');
  } catch (cause) {
    throw ioError('reading', file, cause);
  }
  try {
    const scanner = new RecordScanner(handle);
    for (;;) {
      const good = scanner.offset;
      let record: Awaited<ReturnType<RecordScanner['next']>>;
      try {
        record = await scanner.next();
      } catch (err) {
        // A bad magic after the first record is damage inside the file, not a foreign file.
        if (good > 0 && err instanceof KeepsakeError && err.code === 'ERR_FORMAT') {
          throw new KeepsakeError('ERR_CORRUPT', `record file ${file} is damaged at byte ${good}`, {
            cause: err,
          });
        }
        throw err;
      }
      if (record === null) return;
      let value: unknown;
      let torn = record === 'torn';
      if (record !== 'torn') {
        try {
          value = decodePayload(record[0], record[1], record[2], options);
        } catch (err) {
          // A checksum failure on the very last record is a torn write too: a crash may leave
          // the file's length updated before its bytes.
          if (
            !(err instanceof KeepsakeError && err.code === 'ERR_CORRUPT' && (await scanner.atEnd()))
          ) {
            throw err;
          }
          torn = true;
        }
      }
      if (torn) {
        const error = tornError(file, good);
        publish('error', () => ({ op: 'readRecords', file, offset: good, error }));
        if (onTorn === 'error') throw error;
        if (onTorn === 'truncate') {
          try {
            await handle.truncate(good);
          } catch (cause) {
            throw ioError('truncating', file, cause);
          }
        }
        return;
      }
      yield value as T;
    }
  } finally {
    await handle.close();
  }
}

/** Finds where the last whole record ends, so an append starts on a record boundary. */
async function endOfLastRecord(handle: fsp.FileHandle): Promise<number> {
  const scanner = new RecordScanner(handle);
  for (;;) {
    const good = scanner.offset;
    const record = await scanner.next();
    if (record === null || record === 'torn') return good;
  }
}

/**
 * Opens a record file for writing values one after another (`append: true` keeps what is
 * there). Writes are batched; `close()` flushes. Read back with {@link readRecords}.
 *
 * @example
 * ```ts
 * const out = await openRecordWriter('rows.ksr', { append: true });
 * for (const row of rows) await out.write(row);
 * await out.close();
 * ```
 */
export async function openRecordWriter(
  file: string,
  options?: RecordWriterOptions,
): Promise<RecordWriter> {
  const code = compressionCode(options?.compress);
  const level = options?.level;
  const batchBytes = options?.batchBytes ?? BATCH_BYTES;
  if (!Number.isSafeInteger(batchBytes) || batchBytes < 0) {
    throw new KeepsakeError('ERR_OPTIONS', '`batchBytes` must be an integer >= 0', {
      hint: 'use 0 to write each record at once',
    });
  }
  let handle: fsp.FileHandle;
  try {
    if (options?.append) {
      handle = await fsp.open(file, 'a+');
      const end = await endOfLastRecord(handle);
      const { size } = await handle.stat();
      if (end < size) {
        publish('error', () => ({
          op: 'openRecordWriter',
          file,
          offset: end,
          error: tornError(file, end),
        }));
        await handle.truncate(end);
      }
    } else {
      handle = await fsp.open(file, 'w');
    }
  } catch (cause) {
    if (cause instanceof KeepsakeError) throw cause;
    throw ioError('opening', file, cause);
  }
  return new FileRecordWriter(file, handle, code, level, batchBytes);
}

const BATCH_BYTES = 256 * 1024;

class FileRecordWriter implements RecordWriter {
  #queue: Uint8Array[] = [];
  #queued = 0;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    readonly file: string,
    readonly handle: fsp.FileHandle,
    readonly code: number,
    readonly level: number | undefined,
    readonly batchBytes: number,
  ) {}

  write(value: unknown): Promise<void> {
    if (this.#closed) return Promise.reject(closedError(this.file));
    let blob: Uint8Array;
    try {
      blob = seal(encodePayload(value), this.code, this.level);
    } catch (err) {
      return Promise.reject(err);
    }
    this.#queue.push(blob);
    this.#queued += blob.length;
    if (this.#queued >= this.batchBytes) return this.#drain();
    return Promise.resolve();
  }

  #drain(): Promise<void> {
    const batch = this.#queue;
    if (batch.length === 0) return this.#writing;
    this.#queue = [];
    this.#queued = 0;
    this.#writing = this.#writing.then(async () => {
      try {
        await this.handle.writev(batch);
      } catch (cause) {
        throw ioError('appending to', this.file, cause);
      }
    });
    return this.#writing;
  }

  async flush(): Promise<void> {
    if (this.#closed) throw closedError(this.file);
    await this.#drain();
    await this.handle.sync();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    await this.handle.close();
  }
}

function closedError(file: string): KeepsakeError {
  return new KeepsakeError('ERR_CLOSED', `the record writer for ${file} is closed`, {
    hint: 'open a new writer with openRecordWriter(file, { append: true })',
  });
}
