// The console's first-load JavaScript and CSS, gzipped: what index.html loads before the first
// page shows (its entry script, the modules it preloads, its stylesheets). Lazily loaded
// chunks (the editor) are listed apart. Run after `npm run build`.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = new Set(
  [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]),
);
const size = (file) => {
  const bytes = readFileSync(join(dist, file));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
let total = { raw: 0, gzip: 0 };
console.log("first load:");
for (const file of initial) {
  const { raw, gzip } = size(file);
  total = { raw: total.raw + raw, gzip: total.gzip + gzip };
  console.log(`  ${file}: ${kib(raw)} (${kib(gzip)} gzip)`);
}
const js = [...initial].filter((f) => f.endsWith(".js")).reduce((sum, f) => sum + size(f).gzip, 0);
console.log(`  total ${kib(total.raw)}, ${kib(total.gzip)} gzip; JavaScript alone ${kib(js)} gzip (${js} bytes)`);
console.log("loaded on demand:");
for (const file of readdirSync(join(dist, "assets")).map((f) => `assets/${f}`).filter((f) => !initial.has(f))) {
  const { raw, gzip } = size(file);
  console.log(`  ${file}: ${kib(raw)} (${kib(gzip)} gzip)`);
}
