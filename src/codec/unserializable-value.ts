/**
 * The signal the encoder throws for a value it cannot write. It is not an Error on purpose:
 * it only travels from the encoder up to `encodePayload`, which knows the root value and turns
 * it into an `ERR_UNSERIALIZABLE` KeepsakeError naming the value's path.
 */

/**
 * Thrown inside the encoder for a value it cannot write; `serialize` turns it into a
 * KeepsakeError that names the value's path.
 *
 * @example
 * ```ts
 * if (typeof v === 'symbol') throw new UnserializableValue(v, 'a Symbol');
 * ```
 */
export class UnserializableValue {
  constructor(
    readonly value: unknown,
    readonly what: string,
  ) {}
}
