#!/usr/bin/env node
// The `keepsake` command (package.json `bin`). Runs the compiled CLI, dist/src/cli/main.js,
// which `npm run build` produces and the published package ships. In a checkout that has not
// been built, it runs the TypeScript source through tsx (a dev dependency) instead, so
// `node bin/keepsake.js stats` works while developing without a build step.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
