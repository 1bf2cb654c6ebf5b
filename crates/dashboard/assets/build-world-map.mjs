// Derives crates/dashboard/assets/world.json, the dashboard's embedded map, from Natural Earth.
//
// Source: Natural Earth (public domain) as packaged by npm's `world-atlas` 2.0.2 (TopoJSON, ids are
// ISO 3166-1 numeric codes), with `i18n-iso-countries` 7.14.0's codes.json to turn numeric codes into
// the alpha-2 codes the store uses. Countries come from the 1:110m file; the small ones it leaves out
// (Singapore, Hong Kong, Malta, ...) come from the 1:50m file. Antarctica is dropped.
// Coordinates are projected with the Natural Earth I projection onto a 960 x 470 canvas and rounded
// to 0.1 px, so the asset is small and the server only pastes paths into an <svg>.
//
// Re-run (Node 18+; only these two packages, build time only):
//   cd /tmp && npm pack world-atlas@2.0.2 i18n-iso-countries@7.14.0
//   mkdir wa ia && tar xzf world-atlas-2.0.2.tgz -C wa && tar xzf i18n-iso-countries-7.14.0.tgz -C ia
//   node crates/dashboard/assets/build-world-map.mjs /tmp/wa/package /tmp/ia/package/codes.json \
//     > crates/dashboard/assets/world.json
import { readFileSync } from "node:fs";

const [atlasDir, codesPath] = process.argv.slice(2);
if (!atlasDir || !codesPath) {
  console.error("usage: node build-world-map.mjs WORLD_ATLAS_DIR CODES_JSON > world.json");
  process.exit(2);
}
const alpha2 = new Map(JSON.parse(readFileSync(codesPath, "utf8")).map(([a2, , num]) => [num, a2]));

const WIDTH = 960;
const HEIGHT = 470;
// d3.geoNaturalEarth1's raw projection (Šavrič et al. 2011), in radians.
function naturalEarth(lon, lat) {
  const l = (lon * Math.PI) / 180;
  const p = (lat * Math.PI) / 180;
  const p2 = p * p;
  const p4 = p2 * p2;
  const x = l * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)));
  const y = p * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)));
  return [x, y];
}
// Fit the whole sphere's outline (x in [-pi*0.8707, ..], y up to the pole) into the canvas.
const [xMax] = naturalEarth(180, 0);
const [, yMax] = naturalEarth(0, 90);
const scale = Math.min(WIDTH / (2 * xMax), HEIGHT / (2 * yMax)) * 0.98;
const project = (lon, lat) => {
  const [x, y] = naturalEarth(lon, lat);
  return [WIDTH / 2 + x * scale, HEIGHT / 2 - y * scale];
};

function decodeArcs(topology) {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  return topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
}

function ring(arcs, indexes) {
  const points = [];
  for (const i of indexes) {
    const arc = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
    points.push(...(points.length ? arc.slice(1) : arc));
  }
  return points;
}

function pathData(arcs, geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.type === "MultiPolygon" ? geometry.arcs : [];
  let d = "";
  for (const polygon of polygons) {
    for (const r of polygon) {
      let last = "";
      let part = "";
      let count = 0;
      for (const [lon, lat] of ring(arcs, r)) {
        const [x, y] = project(lon, lat);
        const point = `${x.toFixed(1)},${y.toFixed(1)}`;
        if (point === last) continue;
        part += (count === 0 ? "M" : "L") + point;
        last = point;
        count += 1;
      }
      if (count >= 3) d += part + "Z";
    }
  }
  return d;
}

function countries(file) {
  const topology = JSON.parse(readFileSync(`${atlasDir}/${file}`, "utf8"));
  const arcs = decodeArcs(topology);
  const out = new Map();
  for (const g of topology.objects.countries.geometries) {
    const code = alpha2.get(g.id);
    if (!code || code === "AQ") continue;
    const d = pathData(arcs, g);
    if (d) out.set(code, { code, name: g.properties.name, d: (out.get(code)?.d ?? "") + d });
  }
  return out;
}

const coarse = countries("countries-110m.json");
const fine = countries("countries-50m.json");
for (const [code, c] of fine) if (!coarse.has(code)) coarse.set(code, c);
const list = [...coarse.values()].sort((a, b) => a.code.localeCompare(b.code));
process.stdout.write(
  JSON.stringify({
    source: "Natural Earth (public domain) via npm world-atlas 2.0.2; derived by build-world-map.mjs",
    projection: "Natural Earth I",
    width: WIDTH,
    height: HEIGHT,
    countries: list,
  }) + "\n",
);
