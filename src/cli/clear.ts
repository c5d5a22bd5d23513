import { diskStore } from '../stores/disk-store.js';
import { requireCache } from './cache-reader.js';
import { CliError, EXIT } from './cli-error.js';
import { type Command, writeJson } from './command.js';
import { formatBytes, plural } from './format.js';

/** `keepsake clear --yes`: removes every entry. */
export const clear: Command = {
  name: 'clear',
  summary: 'Remove every entry (needs --yes)',
  usage: 'keepsake clear --yes [--dir DIR] [--json]',
  help: `Removes every entry of the disk cache and its value files. Programs using the cache
recompute what they need. Asks for --yes (or -y) so that a stray command line never
empties a cache; processes that have the folder open keep working.

Example:
  keepsake clear --yes --dir .cache/keepsake`,
  options: { yes: { type: 'boolean', short: 'y' } },
  args: { min: 0, max: 0 },
  async run({ values, dir, json, io }) {
    requireCache(dir);
    if (values.yes !== true) {
      throw new CliError(`clear would remove every entry in ${dir}`, {
        hint: 'add --yes (or -y) to confirm',
      });
    }
    // No eviction bound here (see prune): opening must not evict before clearing anyway.
    const store = diskStore({ dir, maxBytes: Number.MAX_SAFE_INTEGER });
    let before: { entries: number; bytes: number };
    try {
      const u = store.usage();
      before = { entries: u.entries ?? 0, bytes: u.bytes ?? 0 };
      store.clear();
    } finally {
      store.close();
    }
    if (json) {
      writeJson(io, { dir, removed: before });
    } else {
      io.out(
        `removed ${plural(before.entries, 'entry', 'entries')} (${formatBytes(before.bytes)}) from ${dir}\n`,
      );
    }
    return EXIT.OK;
  },
};
