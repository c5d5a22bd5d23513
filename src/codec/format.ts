/**
 * The keepsake codec's wire format, version 1. Every blob is an envelope around a payload:
 *
 * ```
 * offset  size  field
 * 0       4     magic      0xCB 'K' 'S' 'K'  (0xCB is never the first byte of UTF-8 text)
 * 4       8     checksum   xxh64 (seed 0) of bytes 12..end: header fields and payload (u64 LE)
 * 12      1     format     1 (FORMAT_VERSION); a reader refuses any newer format (ERR_FORMAT)
 * 13      1     flags      bits 0-2 compression: 0 none, 1 gzip, 2 deflate, 3 brotli;
 *                            bit 3 no back-references: the payload holds no REF (0xb8), so a
 *                            reader need not remember the objects it reads; rest 0
 * 14      2     check      Fletcher-16 of bytes 12, 13, 16..19 (u16 LE): a damaged length is
 *                            told apart from a record torn by a crash before the checksum can be
 *                            verified
 * 16      4     length     byte length of the payload as stored (u32 little-endian)
 * 20      ...   payload    compressed: varint raw length, then the compressed stream
 * ```
 *
 * Bytes 0..13 keep this layout in every future format, so any version can tell magic and
 * format apart before it trusts anything else.
 *
 * Example: `serialize(1)` is `cb 4b 53 4b ef f9 c4 1c 6b 31 91 99 01 08 0a 32 01 00 00 00 01`
 * (flags 08: no back-references).
 *
 * A record file (`openRecordWriter`) is envelopes one after another, so each record carries its
 * own length and checksum and a torn tail is recognised by a short header or payload.
 *
 * The payload is one value, written depth-first as a tag byte followed by its body. Numbers are
 * little-endian; `varint` is unsigned LEB128. Objects, arrays and every other reference type
 * get an id in the order they are first met (encoder and decoder count the same way), and a
 * second meeting writes `REF id`, which keeps shared references and cycles.
 *
 * ```
 * 0x00-0x3f  integer 0..63                   0x40-0x5f  string of 0..31 UTF-8 bytes
 * 0x60-0x6f  array of 0..15 elements         0x70-0x7f  integer -1..-16
 * 0x80 undefined  0x81 null  0x82 false  0x83 true
 * 0x84 hole (one missing array element)      0x85 holes: varint count of missing elements
 * 0x88 int8  0x89 int16  0x8a int32  0x8b float64  0x8c uint8  0x8d uint16  0x8e uint32
 * 0x90 str8 / 0x91 str16 / 0x92 str32: byte length (u8/u16/u32), then UTF-8
 * 0x93 utf16: varint code units, then 2 bytes each (strings with lone surrogates)
 * 0x98 array: varint length, then elements (holes as 0x84/0x85)
 * 0x99 object, new shape: varint key count, the keys as strings, then the values
 * 0x9a object, known shape: varint shape id, then the values
 * 0xc0-0xdf  object of known shape id 0..31, then the values
 * 0x9b null-prototype: the next item is an object (0x99, 0x9a or 0xc0-0xdf)
 * 0xa0 Map: varint count, key/value pairs     0xa1 Set: varint count, values
 * 0xa2 Date: float64 time                     0xa3 RegExp: source string, flags string
 * 0xa4 BigInt in 64 bits: int64               0xa5 BigInt: sign byte, varint n, n bytes LE
 * 0xa6 boxed primitive: the primitive follows (Boolean, Number, String, BigInt objects)
 * 0xa7 Error: kind byte, class (0 or class ref), name, message, stack (string or undefined),
 *      cause (flag byte, then value), errors (flag byte, then array), own fields (object)
 * 0xa8 ArrayBuffer: varint length, bytes
 * 0xa9 typed array: kind byte (TYPED_ARRAY_KINDS), varint byte length, bytes (LE)
 * 0xaa DataView: varint length, bytes        0xab Buffer: varint length, bytes
 * 0xac class instance: class ref, varint version, mode byte, then the state: mode 0 any value
 *      given by toState; mode 1 the instance's own fields as an object
 *      class ref = varint: 0 then the wire name as a string (defines the next class id),
 *      or id + 1 for a class already named in this payload
 * 0xb0 registered function: its wire name as a string
 * 0xb8 REF: varint id of an object met before
 * ```
 */

/** The one format version constant. Readers accept every version up to it. */
export const FORMAT_VERSION = 1;

/** The four bytes every blob starts with. */
export const MAGIC = Uint8Array.of(0xcb, 0x4b, 0x53, 0x4b);

/** Bytes before the payload. */
export const HEADER_SIZE = 20;

/* Tag bytes, as drawn above. */
export const T_INT_MIN = 0x00;
export const T_INT_MAX = 0x3f;
export const T_FIX_STR = 0x40;
export const T_FIX_STR_MAX = 0x5f;
export const T_FIX_ARRAY = 0x60;
export const T_FIX_ARRAY_MAX = 0x6f;
export const T_NEG_INT = 0x70;
export const T_NEG_INT_MAX = 0x7f;
export const T_UNDEFINED = 0x80;
export const T_NULL = 0x81;
export const T_FALSE = 0x82;
export const T_TRUE = 0x83;
export const T_HOLE = 0x84;
export const T_HOLES = 0x85;
export const T_INT8 = 0x88;
export const T_INT16 = 0x89;
export const T_INT32 = 0x8a;
export const T_FLOAT64 = 0x8b;
export const T_UINT8 = 0x8c;
export const T_UINT16 = 0x8d;
export const T_UINT32 = 0x8e;
export const T_STR8 = 0x90;
export const T_STR16 = 0x91;
export const T_STR32 = 0x92;
export const T_UTF16 = 0x93;
export const T_ARRAY = 0x98;
export const T_OBJECT_NEW_SHAPE = 0x99;
export const T_OBJECT_SHAPE = 0x9a;
export const T_NULL_PROTO = 0x9b;
export const T_MAP = 0xa0;
export const T_SET = 0xa1;
export const T_DATE = 0xa2;
export const T_REG_EXP = 0xa3;
export const T_BIG_INT64 = 0xa4;
export const T_BIG_INT = 0xa5;
export const T_BOXED = 0xa6;
export const T_ERROR = 0xa7;
export const T_ARRAY_BUFFER = 0xa8;
export const T_TYPED_ARRAY = 0xa9;
export const T_DATA_VIEW = 0xaa;
export const T_BUFFER = 0xab;
export const T_CLASS = 0xac;
export const T_FUNCTION = 0xb0;
export const T_REF = 0xb8;
export const T_FIX_SHAPE = 0xc0;
export const T_FIX_SHAPE_MAX = 0xdf;

/** Flags bit 3: the payload holds no back-reference. Blobs without it (all those written before
 * it existed, and those with shared references or cycles) are read remembering every object. */
export const FLAG_NO_REFS = 0x08;

/** Flags bits 0-2: the compression code. */
export const COMPRESSION_MASK = 0x07;

/** Compression codes stored in the flags byte. */
export const COMPRESSION_CODES = { none: 0, gzip: 1, deflate: 2, brotli: 3 } as const;

/** Typed array constructors by their kind byte. The order is part of the format. */
export const TYPED_ARRAY_KINDS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

/** Error constructors by their kind byte. The order is part of the format. */
export const ERROR_KINDS = [
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
  AggregateError,
] as const;
