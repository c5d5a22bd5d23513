import { describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../../src/errors.js';
import { toStoreError } from '../../../src/stores/disk/to-store-error.js';

// The messages are the ones lmdb-js and Node throw (MDB_PROBLEM as seen after a writer process
// was killed mid-commit while another kept writing).
describe('disk store errors', () => {
  it('reports a damaged index as ERR_CORRUPT with a hint to delete the folder', () => {
    for (const text of [
      'MDB_PROBLEM: Unexpected problem - txn should abort: mdb_page_touch no parent',
      'MDB_CORRUPTED: Located page was wrong type',
      'MDB_PAGE_NOTFOUND: Requested page not found',
    ]) {
      const error = toStoreError('set', 'k', Object.assign(new Error(text), { code: -30779 }));
      expect(isKeepsakeError(error)).toBe(true);
      expect(error.code).toBe('ERR_CORRUPT');
      expect(error.message).toContain('diskStore set "k": the index is damaged');
      expect(error.hint).toContain('delete the cache folder');
    }
  });

  it('reports a full disk as ERR_IO with the errno and a hint to free space', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    });
    const error = toStoreError('set', 'k', full);
    expect(error.code).toBe('ERR_IO');
    expect(error.message).toContain('(ENOSPC)');
    expect(error.hint).toContain('free some disk space');
    expect(error.cause).toBe(full);
  });

  it('passes a KeepsakeError through unchanged', () => {
    const corrupt = toStoreError('get', 'k', new Error('MDB_CORRUPTED'));
    expect(toStoreError('get', 'k', corrupt)).toBe(corrupt);
  });
});
