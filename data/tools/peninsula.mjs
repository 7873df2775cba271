// Rebuild data/map/peninsula.geojson from Natural Earth (via npm world-atlas). Run by hand:
//
//   mkdir -p /tmp/map-npm && cd /tmp/map-npm && npm init -y &&
//   npm install world-atlas@2.0.2 topojson-client@3 topojson-simplify@3
//   node data/tools/peninsula.mjs /tmp/map-npm > data/map/peninsula.geojson
//
// Nothing here runs when the course runs: the course reads only the committed GeoJSON.
// Steps: Natural Earth 1:10m countries (TopoJSON) -> simplify (Visvalingam, topojson-simplify)
// -> GeoJSON lon/lat rings (topojson-client) for South Korea, North Korea and Japan's coast
// near Korea (clipped to a box) -> the boundary the two Koreas share (topojson-client mesh).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const modules = path.join(process.argv[2] || "/tmp/map-npm", "node_modules");
const require = createRequire(path.join(modules, "noop.js"));
let client;
let simplify;
try {
  client = require("topojson-client");
  simplify = require("topojson-simplify");
  require.resolve("world-atlas/countries-10m.json");
} catch {
  process.stderr.write(
    `peninsula.mjs: world-atlas, topojson-client and topojson-simplify are not installed in ` +
      `${modules}; install them there (see the command at the top of this file)\n`,
  );
  process.exit(2);
}

const ATLAS = JSON.parse(fs.readFileSync(path.join(modules, "world-atlas/countries-10m.json")));
const VERSION = JSON.parse(fs.readFileSync(path.join(modules, "world-atlas/package.json"))).version;
const MIN_WEIGHT = 0.0005; // square degrees: keeps the outline at a few hundred points
const MIN_AREA = 0.01; // drop islands smaller than this (square degrees) ...
const KEEP = [124.4, 37.5, 126.0, 38.1]; // ... except in the West Sea islands' box
const JAPAN_BOX = [128.0, 32.5, 131.6, 36.0]; // Japan's coast near Korea (Tsushima, Kyushu, Honshu)
const round = (v) => Math.round(v * 1000) / 1000;

const topo = simplify.simplify(simplify.presimplify(ATLAS), MIN_WEIGHT);
const countries = topo.objects.countries;

function area(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
  }
  return Math.abs(a / 2);
}

function inBox([x, y], [x0, y0, x1, y1]) {
  return x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

// Sutherland-Hodgman: clip one ring to an axis-aligned box.
function clip(ring, [x0, y0, x1, y1]) {
  const edges = [
    (p) => p[0] >= x0, (p) => p[0] <= x1, (p) => p[1] >= y0, (p) => p[1] <= y1,
  ];
  const cut = [
    (a, b) => [x0, a[1] + ((b[1] - a[1]) * (x0 - a[0])) / (b[0] - a[0])],
    (a, b) => [x1, a[1] + ((b[1] - a[1]) * (x1 - a[0])) / (b[0] - a[0])],
    (a, b) => [a[0] + ((b[0] - a[0]) * (y0 - a[1])) / (b[1] - a[1]), y0],
    (a, b) => [a[0] + ((b[0] - a[0]) * (y1 - a[1])) / (b[1] - a[1]), y1],
  ];
  let out = ring.slice(0, -1);
  for (let k = 0; k < 4 && out.length; k++) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const a = input[(i + input.length - 1) % input.length];
      const b = input[i];
      if (edges[k](b)) {
        if (!edges[k](a)) out.push(cut[k](a, b));
        out.push(b);
      } else if (edges[k](a)) {
        out.push(cut[k](a, b));
      }
    }
  }
  return out.length >= 3 ? [...out, out[0]] : null;
}

function land(id, name, box) {
  const geometry = countries.geometries.find((g) => g.id === id);
  const feature = client.feature(topo, geometry);
  const polygons = feature.geometry.type === "Polygon"
    ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  const kept = [];
  for (const polygon of polygons) {
    let ring = polygon[0]; // outer rings only: holes do not matter at this scale
    if (box) ring = clip(ring, box);
    if (!ring) continue;
    const keep = area(ring) >= MIN_AREA || ring.some((p) => inBox(p, KEEP));
    if (keep && ring.length >= 4) kept.push([ring.map(([x, y]) => [round(x), round(y)])]);
  }
  return {
    type: "Feature",
    properties: { name, kind: "land", iso_n3: id },
    geometry: { type: "MultiPolygon", coordinates: kept },
  };
}

const isKorea = (g, id) => g.id === id;
const border = client.mesh(
  topo,
  countries,
  (a, b) => (isKorea(a, "410") && isKorea(b, "408")) || (isKorea(a, "408") && isKorea(b, "410")),
);
const features = [
  land("410", "South Korea"),
  land("408", "North Korea"),
  land("392", "Japan (coast near Korea)", JAPAN_BOX),
  {
    type: "Feature",
    properties: { name: "Boundary between the two Koreas", kind: "boundary" },
    geometry: {
      type: "MultiLineString",
      coordinates: border.coordinates.map((line) => line.map(([x, y]) => [round(x), round(y)])),
    },
  },
];
const collection = {
  type: "FeatureCollection",
  name: "peninsula",
  source: `Natural Earth 4.1.0 1:10m Admin 0 countries, via npm world-atlas ${VERSION} (countries-10m.json)`,
  license: "Public domain (Natural Earth terms of use)",
  tool: "data/tools/peninsula.mjs",
  simplify_min_weight: MIN_WEIGHT,
  features,
};
process.stdout.write(JSON.stringify(collection) + "\n");
