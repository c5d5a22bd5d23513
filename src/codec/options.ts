/**
 * Compression recorded in a blob's header. `'none'` stores the payload as it is.
 *
 * @example
 * ```ts
 * const compress: Compression = rows.length > 10_000 ? 'brotli' : 'none';
 * await dumpFile('rows.ks', rows, { compress });
 * ```
 */
export type Compression = 'none' | 'gzip' | 'deflate' | 'brotli';

/**
 * Options of `serialize`, `dumpFile` and the record writer.
 *
 * @example
 * ```ts
 * serialize(bigValue, { compress: 'brotli' });
 * ```
 */
export interface SerializeOptions {
  /** Compress the payload; the choice is recorded in the header so loading needs no option.
   * @default 'none' */
  compress?: Compression;
  /** Compression level (zlib 0-9 for gzip/deflate, 0-11 for brotli). @default the library's */
  level?: number;
}

/**
 * Options of `deserialize`, `loadFile` and `readRecords`.
 *
 * @example
 * ```ts
 * deserialize(bytes, { unknownClass: 'plain' });
 * ```
 */
export interface DeserializeOptions {
  /** What to do with an instance of a class this process has not registered: `'error'` throws
   * `ERR_UNKNOWN_CLASS`; `'plain'` returns its state as a plain object. @default 'error' */
  unknownClass?: 'error' | 'plain';
}
