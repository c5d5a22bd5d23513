import fs from 'node:fs';
import path from 'node:path';

/** Every value file under a disk cache folder's `blobs/` (for corruption tests). */
export function blobFiles(dir: string): string[] {
  const root = path.join(dir, 'blobs');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .flatMap((shard) =>
      fs.readdirSync(path.join(root, shard)).map((f) => path.join(root, shard, f)),
    );
}
