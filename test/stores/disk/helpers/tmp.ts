import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temp folder per call, removed after the test that made it. */
export function useTmp(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keepsake-disk-'));
    made.push(dir);
    return dir;
  };
}

/** Bytes that name their key and version, so any read can be checked on its own. */
export function selfVerifying(key: string, version: number, size = 64): Uint8Array {
  const head = Buffer.from(`${key}|${version}|`);
  const out = Buffer.alloc(Math.max(size, head.length + 8));
  head.copy(out);
  for (let i = head.length; i < out.length; i++) out[i] = (i * 131 + version * 7) & 0xff;
  return out;
}

/** The key and version inside {@link selfVerifying} bytes, or `undefined` when they are not whole. */
export function verify(bytes: Uint8Array): { key: string; version: number } | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buf.toString('latin1', 0, Math.min(buf.length, 200));
  const parts = text.split('|');
  if (parts.length < 3) return undefined;
  const key = parts[0]!;
  const version = Number(parts[1]);
  const start = key.length + parts[1]!.length + 2;
  const want = selfVerifying(key, version, buf.length);
  if (want.length !== buf.length || !Buffer.from(want).equals(buf) || start > buf.length) {
    return undefined;
  }
  return { key, version };
}
