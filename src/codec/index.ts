export type { DumpFileOptions } from './files.js';
export { dumpFile, dumpFileSync, loadFile, loadFileSync } from './files.js';
export type { Compression, DeserializeOptions, SerializeOptions } from './options.js';
export type { ReadRecordsOptions, RecordWriter, RecordWriterOptions } from './records.js';
export { openRecordWriter, readRecords } from './records.js';
export type { Constructor, RegisterClassOptions } from './registry.js';
export { registerClass, registerFunction } from './registry.js';
export { deserialize, serialize } from './serialize.js';
