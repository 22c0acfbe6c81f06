// Checks the split WASM bundle in target/site/pkg: each lazy page (split_*.wasm) and shared
// chunk (chunk_*.wasm) must carry its own static data. When wasm-split cannot lay that data
// out within the linker's data segment it silently leaves every page's data in the main
// file, which every citizen downloads (+33 KB gzip at e4418c5; see SPLIT_DATA_SLACK in
// frontend/src/lib.rs). Exits 1 with the figures when that happened.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = process.argv[2] ?? 'target/site/pkg';

function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

/** The size of a module's data section (id 11), 0 without one. */
function dataSize(file) {
  const bytes = readFileSync(file);
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size;
    [size, at] = leb(bytes, at);
    if (id === 11) return size;
    at += size;
  }
  return 0;
}

const wasm = readdirSync(pkg).filter((f) => f.endsWith('.wasm'));
const parts = wasm.filter((f) => /^(split|chunk)_/.test(f));
if (parts.length === 0) {
  console.log(`check-split: no split files in ${pkg} (not a --split build)`);
  process.exit(0);
}
const sizes = parts.map((f) => dataSize(join(pkg, f)));
const largest = Math.max(...sizes);
const total = sizes.reduce((a, b) => a + b, 0);
const main = wasm.filter((f) => !parts.includes(f)).map((f) => `${f} ${dataSize(join(pkg, f))} B`);
console.log(`check-split: ${parts.length} split files carry ${total} B of data (largest ${largest} B); main: ${main.join(', ')}`);
if (largest < 1024) {
  console.error('check-split: the split pages carry no data of their own: wasm-split left it all in '
    + 'the main file. Enlarge SPLIT_DATA_SLACK in frontend/src/lib.rs.');
  process.exit(1);
}
