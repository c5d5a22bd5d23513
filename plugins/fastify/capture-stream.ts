import { pipeline, Transform, type TransformCallback } from 'node:stream';

/**
 * A stream body passing through to the client, copied aside up to `limit` bytes. The client
 * gets every chunk as soon as it is produced (nothing waits for the end); `onDone` receives the
 * whole body, in a buffer of its own, once the source ends within the limit, else `undefined`
 * (too large, errored or aborted), at most once. Past the limit the copy is dropped at once, so
 * memory stays bounded.
 *
 * @example
 * ```ts
 * return captureStream(payload, 1024 * 1024, (body) => body && store(body));
 * ```
 */
export function captureStream(
  source: NodeJS.ReadableStream,
  limit: number,
  onDone: (body: Buffer | undefined) => void,
): Transform {
  let chunks: Buffer[] | undefined = [];
  let size = 0;
  let reported = false;
  const report = (body: Buffer | undefined) => {
    if (reported) return;
    reported = true;
    onDone(body);
  };
  const tee = new Transform({
    transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback) {
      if (chunks !== undefined) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buffer.byteLength;
        if (size > limit) {
          chunks = undefined;
          report(undefined);
        } else {
          chunks.push(buffer);
        }
      }
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (chunks === undefined) {
        report(undefined);
        return callback();
      }
      // Copied into a buffer of its own, never Node's shared pool: it is kept in an entry.
      const body = Buffer.allocUnsafeSlow(size);
      let at = 0;
      for (const chunk of chunks) {
        body.set(chunk, at);
        at += chunk.byteLength;
      }
      chunks = undefined;
      report(body);
      callback();
    },
  });
  pipeline(source, tee, (error) => {
    if (error) report(undefined);
  });
  // A client that goes away destroys `tee`; pipeline then destroys the source and reports.
  return tee;
}
