import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../../src/stores/disk/default-cache-dir.js';
import { diskStore } from '../../../src/stores/disk-store.js';
import { useTmp } from './helpers/tmp.js';

const tmp = useTmp();

describe('diskStore default folder', () => {
  it('is node_modules/.cache/keepsake of the nearest package.json above cwd', () => {
    const project = tmp();
    fs.writeFileSync(path.join(project, 'package.json'), '{}');
    const deep = path.join(project, 'src', 'a', 'b');
    fs.mkdirSync(deep, { recursive: true });
    expect(defaultCacheDir({ cwd: deep, env: {} })).toBe(
      path.join(project, 'node_modules', '.cache', 'keepsake'),
    );
  });

  it('outside any project, is the user cache folder of the platform', () => {
    const outside = tmp(); // os.tmpdir() has no package.json above it
    const home = '/home/me';
    expect(defaultCacheDir({ cwd: outside, env: {}, platform: 'linux', home })).toBe(
      path.join(home, '.cache', 'keepsake'),
    );
    expect(
      defaultCacheDir({ cwd: outside, env: { XDG_CACHE_HOME: '/xdg' }, platform: 'linux', home }),
    ).toBe(path.join('/xdg', 'keepsake'));
    // A relative XDG_CACHE_HOME is invalid per the XDG spec and ignored.
    expect(
      defaultCacheDir({ cwd: outside, env: { XDG_CACHE_HOME: 'rel' }, platform: 'linux', home }),
    ).toBe(path.join(home, '.cache', 'keepsake'));
    expect(defaultCacheDir({ cwd: outside, env: {}, platform: 'darwin', home })).toBe(
      path.join(home, 'Library', 'Caches', 'keepsake'),
    );
    expect(
      defaultCacheDir({
        cwd: outside,
        env: { LOCALAPPDATA: 'C:/Users/me/AppData/Local' },
        platform: 'win32',
        home,
      }),
    ).toBe(path.join('C:/Users/me/AppData/Local', 'keepsake'));
  });

  it('KEEPSAKE_CACHE_DIR overrides the default, inside a project too', () => {
    const project = tmp();
    fs.writeFileSync(path.join(project, 'package.json'), '{}');
    const override = path.join(tmp(), 'elsewhere');
    expect(defaultCacheDir({ cwd: project, env: { KEEPSAKE_CACHE_DIR: override } })).toBe(override);
  });

  it('diskStore() with no dir uses it (here through KEEPSAKE_CACHE_DIR) and creates it', () => {
    const override = path.join(tmp(), 'from-env');
    const before = process.env.KEEPSAKE_CACHE_DIR;
    process.env.KEEPSAKE_CACHE_DIR = override;
    try {
      const store = diskStore();
      expect(store.dir).toBe(override);
      store.set('k', { value: new Uint8Array([1]), createdAt: 0 });
      store.close();
      expect(fs.existsSync(override)).toBe(true);
    } finally {
      if (before === undefined) delete process.env.KEEPSAKE_CACHE_DIR;
      else process.env.KEEPSAKE_CACHE_DIR = before;
    }
  });
});
