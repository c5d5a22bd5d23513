/**
 * Byte order for typed-array bodies, shared by the encoder and the decoder: the format stores
 * every element little-endian, so only a big-endian machine ever swaps.
 */

/**
 * Whether this machine stores numbers little-endian (every platform Node ships on today).
 *
 * @example
 * ```ts
 * if (!LITTLE_ENDIAN) swapBytes(bytes, 0, bytes.length, 8);
 * ```
 */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reverses each element's bytes in place: typed arrays are stored little-endian on every
 * machine.
 *
 * @example
 * ```ts
 * const b = Uint8Array.of(1, 2, 3, 4);
 * swapBytes(b, 0, 4, 2); // b is now [2, 1, 4, 3]
 * ```
 */
export function swapBytes(buf: Uint8Array, at: number, length: number, size: number): void {
  if (size === 1) return;
  for (let i = at; i < at + length; i += size) buf.subarray(i, i + size).reverse();
}
