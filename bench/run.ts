// `npm run bench`: runs every benchmark on one local 3-node ensemble (or `-- --connect h:p,...`),
// prints one table (ours, the node-zookeeper-client baseline, the ratio) and writes it to
// bench/results/ as Markdown, JSON and an SVG chart of the ratios.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Ensemble } from '../src/testing/index.js';
import { type BenchModule, type BenchResult, advantage } from './bench-result.js';
import { ratioChartSvg } from './ratio-chart.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Benchmark modules in report order; each is `bench/<name>.ts` exporting `run`. */
const MODULES = [
  'client',
  'locks',
  'leader',
  'queues',
  'config',
  'tree-cache',
  'naming-discovery',
  'work-assignment',
];

interface Section {
  module: string;
  results: BenchResult[];
  error?: string;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (Math.abs(n) >= 1000) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(3);
}

function markdown(sections: Section[], machine: Record<string, string>): string {
  const lines = [
    '# zk-recipes benchmark report',
    '',
    Object.entries(machine)
      .map(([k, v]) => `- ${k}: ${v}`)
      .join('\n'),
    '',
    '| benchmark | unit | zk-recipes | node-zookeeper-client | advantage | target |',
    '|---|---|---:|---:|---:|---|',
  ];
  for (const s of sections) {
    if (s.error) lines.push(`| ${s.module}: not run (${s.error}) | | | | | |`);
    for (const r of s.results) {
      lines.push(
        `| ${s.module}: ${r.name} | ${r.unit} | ${fmt(r.ours)} | ${fmt(r.baseline)} | ${fmt(advantage(r))}x | ${r.target ?? ''} |`,
      );
    }
  }
  lines.push(
    '',
    '`advantage` is baseline/ours for lower-is-better rows and ours/baseline otherwise: above 1 means zk-recipes is better.',
  );
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { connect: { type: 'string' }, only: { type: 'string', multiple: true } },
  });
  const selected = values.only?.length ? MODULES.filter((m) => values.only?.includes(m)) : MODULES;
  let ensemble: Ensemble | undefined;
  let connectString = values.connect;
  if (!connectString) {
    process.stdout.write('starting a local 3-node ZooKeeper ensemble... ');
    ensemble = await Ensemble.start({ size: 3 });
    connectString = ensemble.connectString;
    console.log(connectString);
  }
  const singleServer = connectString.split(',')[0] as string;
  const sections: Section[] = [];
  try {
    for (const name of selected) {
      const file = path.join(here, `${name}.ts`);
      if (!existsSync(file)) {
        sections.push({ module: name, results: [], error: 'no such benchmark yet' });
        continue;
      }
      console.log(`running bench/${name}.ts`);
      try {
        const mod = (await import(`./${name}.js`)) as BenchModule;
        sections.push({ module: name, results: await mod.run({ connectString, singleServer }) });
      } catch (err) {
        sections.push({ module: name, results: [], error: err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    await ensemble?.close();
  }
  const machine = {
    date: new Date().toISOString(),
    cpu: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    ensemble: values.connect
      ? `existing: ${values.connect}`
      : 'local 3-node (zk-recipes/testing, process backend)',
  };
  const md = markdown(sections, machine);
  console.log(`\n${md}`);
  const outDir = path.join(here, 'results');
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'latest.md'), md);
  await writeFile(path.join(outDir, 'latest.json'), `${JSON.stringify({ machine, sections }, null, 2)}\n`);
  await writeFile(
    path.join(outDir, 'latest.svg'),
    ratioChartSvg(
      sections.flatMap((s) =>
        s.results.map((r) => ({ label: `${s.module}: ${r.name}`, ratio: advantage(r) })),
      ),
    ),
  );
  console.log(`written: bench/results/latest.{md,json,svg}`);
}

await main();
