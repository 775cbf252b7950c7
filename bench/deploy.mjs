// `citadel deploy` of generated static sites (BENCH_DEPLOY_FILES, default "100,1000"; add
// 10000 for the large case), each against the floor measured in the same run: reading,
// SHA-256 hashing and gzip-compressing the same files locally, which any uploader must do.
// Reported per size: the first deploy (canister created, everything uploaded and certified)
// and a redeploy after one file changed, both end to end through the real command (in
// process, against a replica on a free port), as ratios to the floor.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { startReplica } from '@citadel/replica';
import { createNodeContext, runCli } from '../apps/cli/dist/index.js';

const gzipAsync = promisify(gzip);

/** A deterministic site of `count` files: pages, scripts, styles and small images. */
async function generateSite(root, count) {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    const folder = `section-${Math.floor(i / 100)}`;
    let path;
    let content;
    if (kind === 0) {
      path = `${folder}/page-${i}.html`;
      content = `<!doctype html><title>Page ${i}</title>${'<p>Certified content. </p>'.repeat(40 + (i % 60))}`;
    } else if (kind === 1) {
      path = `${folder}/chunk-${i}.js`;
      content = `export const v${i} = [${Array.from({ length: 300 }, () => Math.floor(random() * 1000)).join(',')}];\n`;
    } else if (kind === 2) {
      path = `${folder}/style-${i}.css`;
      content =
        `.c${i} { color: #${((i * 2654435761) % 0xffffff).toString(16).padStart(6, '0')}; margin: ${i % 17}px; }\n`.repeat(
          20,
        );
    } else {
      path = `${folder}/image-${i}.png`;
      content = new Uint8Array(8_000).map(() => Math.floor(random() * 256));
    }
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await writeFile(join(root, 'index.html'), '<!doctype html><h1>bench</h1>');
}

async function listFiles(root) {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** The floor: read, hash and gzip every file (text only), 8 at a time, as the uploader does. */
async function floorMs(root) {
  const files = await listFiles(root);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++];
      const bytes = await readFile(join(root, file));
      createHash('sha256').update(bytes).digest();
      if (!file.endsWith('.png')) {
        const zipped = await gzipAsync(bytes, { level: 9 });
        createHash('sha256').update(zipped).digest();
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return performance.now() - started;
}

async function deploy(projectDir, configDir, url) {
  const out = [];
  const err = [];
  const started = performance.now();
  const status = await runCli(['deploy', 'site', '--network', url, '--json'], {
    ...createNodeContext(),
    progress: undefined,
    cwd: projectDir,
    env: { CITADEL_CONFIG_DIR: configDir },
    homeDir: configDir,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
  });
  const ms = performance.now() - started;
  if (status !== 0) {
    throw new Error(`citadel deploy failed:\n${err.join('\n')}`);
  }
  return { ms, report: JSON.parse(out.join('\n')).frontends[0] };
}

export async function runDeploy({
  sizes = (process.env.BENCH_DEPLOY_FILES ?? '100,1000').split(',').map(Number),
} = {}) {
  console.log(
    '\n== citadel deploy: first deploy and one-file redeploy vs hashing + gzip locally ==',
  );
  const rows = [];
  for (const files of sizes) {
    const work = await mkdtemp(join(tmpdir(), 'citadel-bench-deploy-'));
    const running = await startReplica({ dataDir: join(work, 'network'), port: 0 });
    try {
      const project = join(work, 'project');
      await mkdir(project, { recursive: true });
      await writeFile(join(project, 'package.json'), '{ "name": "bench-site", "private": true }');
      await generateSite(join(project, 'site'), files);
      const floor = await floorMs(join(project, 'site'));
      const first = await deploy(project, join(work, 'config'), running.url);
      await writeFile(join(project, 'site', 'index.html'), '<!doctype html><h1>bench, again</h1>');
      const again = await deploy(project, join(work, 'config'), running.url);
      rows.push({
        files: files + 1,
        'floor ms': Math.round(floor),
        'first deploy ms': Math.round(first.ms),
        'first / floor': `${(first.ms / floor).toFixed(1)}×`,
        'MB uploaded': (first.report.uploadedBytes / 1e6).toFixed(1),
        'redeploy ms': Math.round(again.ms),
        'redeploy / floor': `${(again.ms / floor).toFixed(2)}×`,
        'redeploy uploads': again.report.uploadedEncodings,
      });
    } finally {
      await running.close();
      await rm(work, { recursive: true, force: true });
    }
  }
  console.table(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runDeploy();
}
