import type { DeserializeOptions, SerializeOptions } from '../../../src/codec/index.js';
import { deserialize, serialize } from '../../../src/codec/index.js';
import { assertSame } from './equal.js';

/** serialize then deserialize. */
export function rt<T>(value: T, options?: SerializeOptions, load?: DeserializeOptions): T {
  const bytes = serialize(value, options);
  if (!(bytes instanceof Uint8Array)) throw new Error('serialize must return a Uint8Array');
  return deserialize<T>(bytes, load);
}

/** Round-trips `value` and checks strict structural equality; returns the copy. */
export function rtSame<T>(value: T, options?: SerializeOptions): T {
  const out = rt(value, options);
  assertSame(out, value);
  return out;
}
