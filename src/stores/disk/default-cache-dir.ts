import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The environment variable that, when set, replaces the default disk cache folder.
 *
 * @example
 * ```ts
 * process.env[CACHE_DIR_ENV] = '/var/cache/my-app'; // diskStore() now uses it
 * ```
 */
export const CACHE_DIR_ENV = 'KEEPSAKE_CACHE_DIR';

/**
 * What {@link defaultCacheDir} looks at; every field defaults to the real process's.
 *
 * @example
 * ```ts
 * defaultCacheDir({ cwd: '/', env: { XDG_CACHE_HOME: '/data/cache' }, platform: 'linux' });
 * // '/data/cache/keepsake'
 * ```
 */
export interface DefaultCacheDirContext {
  /** Where the walk up to the nearest `package.json` starts. @default process.cwd() */
  cwd?: string;
  /** Environment variables (`KEEPSAKE_CACHE_DIR`, `XDG_CACHE_HOME`, `LOCALAPPDATA`). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** The platform whose user cache folder convention applies. @default process.platform */
  platform?: NodeJS.Platform;
  /** The user's home folder. @default os.homedir() */
  home?: string;
}

/**
 * The folder a {@link diskStore} uses when given no `dir`:
 *
 * 1. `$KEEPSAKE_CACHE_DIR`, when set and not empty;
 * 2. inside a project — the nearest folder at or above `cwd` holding a `package.json` —
 *    `<project>/node_modules/.cache/keepsake`, the convention of find-cache-dir (Babel, ESLint,
 *    AVA, webpack's loaders): tooling already ignores it and `rm -rf node_modules` clears it;
 * 3. otherwise the user's cache folder: `$XDG_CACHE_HOME` or `~/.cache` on Linux and other
 *    Unixes, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows, plus `/keepsake`.
 *
 * Pure apart from the `package.json` lookups, so tests pass their own `context`.
 *
 * @example
 * ```ts
 * import { defaultCacheDir } from 'keepsake';
 * defaultCacheDir(); // e.g. '/home/me/app/node_modules/.cache/keepsake'
 * defaultCacheDir({ cwd: '/', env: {}, platform: 'darwin', home: '/Users/me' });
 * // '/Users/me/Library/Caches/keepsake'
 * ```
 */
export function defaultCacheDir(context: DefaultCacheDirContext = {}): string {
  const env = context.env ?? process.env;
  const override = env[CACHE_DIR_ENV];
  if (override !== undefined && override !== '') return path.resolve(override);
  const project = findProjectRoot(path.resolve(context.cwd ?? process.cwd()));
  if (project !== undefined) return path.join(project, 'node_modules', '.cache', 'keepsake');
  return path.join(userCacheDir(env, context.platform ?? process.platform, context), 'keepsake');
}

/** The nearest folder at or above `start` that holds a `package.json`, if any. */
function findProjectRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function userCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
  context: DefaultCacheDirContext,
): string {
  // os.homedir() only when needed: it reads the password database when HOME is unset.
  const home = () => context.home ?? os.homedir();
  if (platform === 'win32') {
    return env.LOCALAPPDATA || path.join(home(), 'AppData', 'Local');
  }
  if (platform === 'darwin') return path.join(home(), 'Library', 'Caches');
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && path.isAbsolute(xdg)) return xdg;
  return path.join(home(), '.cache');
}
