// Writes the SHA-256 of the extension's sources next to the built assets, so a test can tell
// whether kubenb/labextension/ was built from the sources in this checkout. The hash covers
// these files, sorted by path: for each, "<path>\n<bytes>\n". tests/browser/test_ts_unit.py
// computes the same.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCES = ['package.json', 'tsconfig.json', 'yarn.lock', 'src', 'style'];

function files(path) {
  if (statSync(path).isDirectory()) {
    return readdirSync(path).flatMap(name => files(join(path, name)));
  }
  return [path];
}

const hash = createHash('sha256');
for (const file of SOURCES.flatMap(files).sort()) {
  hash.update(`${file}\n`);
  hash.update(readFileSync(file));
  hash.update('\n');
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = join(pkg.jupyterlab.outputDir, 'sources.sha256');
writeFileSync(out, `${hash.digest('hex')}\n`);
console.log(`wrote ${out}`);
