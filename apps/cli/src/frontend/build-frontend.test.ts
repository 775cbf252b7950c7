/**
 * buildFrontend against fake `next` and `vite` packages installed in a temporary project: tiny
 * scripts that print, exit and write files as told, so every path runs in milliseconds. The
 * real `next build` runs in build-frontend.integration.test.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { makeTempDir } from '../testing/fakes.js';
import { OUTPUT_TAIL_LINES, buildFrontend } from './build-frontend.js';
import type { FrontendPlan } from './detect-frontend.js';
import { EXPORT_DIR_LINE } from './next-adapter.js';

describe('buildFrontend', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  const write = async (path: string, content: string): Promise<void> => {
    const file = join(dir.path, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  };
  /** Installs a fake `next` whose binary runs `script` (CommonJS, run by this Node.js). */
  const installNext = async (script: string, version = '16.5.0'): Promise<void> => {
    await write(
      'node_modules/next/package.json',
      JSON.stringify({ name: 'next', version, bin: { next: './dist/bin/next' } }),
    );
    await write('node_modules/next/dist/bin/next', script);
  };
  /** An adapter file that exists (its contents do not matter to the fake next). */
  const adapterFile = async (): Promise<string> => {
    await write('adapter.js', 'export default {};');
    return join(dir.path, 'adapter.js');
  };
  const nextPlan = async (env: Record<string, string> = {}): Promise<FrontendPlan> => ({
    kind: 'next',
    root: dir.path,
    outputDir: join(dir.path, 'out'),
    build: {
      command: 'next',
      args: ['build'],
      env: { NEXT_TELEMETRY_DISABLED: '1', NEXT_ADAPTER_PATH: await adapterFile(), ...env },
    },
    description: 'Next.js app',
  });
  /** A script that writes an exported site into `out/` and announces it, as the adapter does. */
  const exportingScript = (extra = ''): string => `
    const fs = require('node:fs');
    console.log(${JSON.stringify(EXPORT_DIR_LINE)} + 'out');
    ${extra}
    fs.mkdirSync('out', { recursive: true });
    fs.writeFileSync('out/index.html', '<!doctype html>');
  `;
  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      return error as { code: string; message: string; details: Record<string, unknown> };
    }
    throw new Error('expected the build to fail');
  };

  it('returns a plan without a build at once', async () => {
    const plan: FrontendPlan = {
      kind: 'static',
      root: dir.path,
      outputDir: join(dir.path, 'public'),
      description: 'Static files',
    };
    expect(await buildFrontend(plan)).toEqual({
      outputDir: join(dir.path, 'public'),
      warnings: [],
      durationMs: 0,
    });
  });

  it("runs the project's own next binary in the project, with the plan's arguments and environment", async () => {
    await installNext(
      exportingScript(`
        console.log('argv=' + process.argv.slice(2).join(' '));
        console.log('cwd=' + process.cwd());
        console.log('telemetry=' + process.env.NEXT_TELEMETRY_DISABLED);
        console.log('exec=' + (process.execPath === ${JSON.stringify(process.execPath)}));
      `),
    );
    const lines: string[] = [];
    const result = await buildFrontend(await nextPlan(), { onOutput: (line) => lines.push(line) });
    expect(lines).toEqual(
      expect.arrayContaining(['argv=build', `cwd=${dir.path}`, 'telemetry=1', 'exec=true']),
    );
    expect(result.outputDir).toBe(join(dir.path, 'out'));
    expect(result.warnings).toEqual([]);
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('streams standard output and error line by line, without colours, including an unterminated last line', async () => {
    await installNext(
      exportingScript(`
        process.stdout.write('\\u001b[32m✓ Compiled\\u001b[39m successfully\\nsplit ');
        process.stderr.write('⚠ a warning\\r\\n');
        setTimeout(() => process.stdout.write('line\\nno newline at the end'), 20);
      `),
    );
    const lines: string[] = [];
    await buildFrontend(await nextPlan(), { onOutput: (line) => lines.push(line) });
    expect(lines).toEqual(
      expect.arrayContaining([
        '✓ Compiled successfully',
        '⚠ a warning',
        'split line',
        'no newline at the end',
      ]),
    );
  });

  it('uses the folder the adapter announces (an app with its own distDir)', async () => {
    await installNext(`
      const fs = require('node:fs');
      console.log(${JSON.stringify(EXPORT_DIR_LINE)} + 'site');
      fs.mkdirSync('site', { recursive: true });
      fs.writeFileSync('site/index.html', '<!doctype html>');
    `);
    expect((await buildFrontend(await nextPlan())).outputDir).toBe(join(dir.path, 'site'));
  });

  it('reports what the export left out as warnings', async () => {
    await installNext(exportingScript(`console.log('ƒ Proxy (Middleware)');`));
    const { warnings } = await buildFrontend(await nextPlan());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('proxy.ts');
  });

  it(`fails with the last ${OUTPUT_TAIL_LINES} lines of output when the build fails`, async () => {
    await installNext(`
      for (let i = 1; i <= 300; i += 1) console.log('line ' + i);
      // After a pause: standard output and error are read as they arrive.
      setTimeout(() => {
        console.error('Type error: boom');
        process.exitCode = 3;
      }, 100);
    `);
    const error = await failure(buildFrontend(await nextPlan()));
    expect(error.code).toBe(CliErrorCode.FRONTEND_BUILD_FAILED);
    expect(error.message).toContain('next build failed');
    expect(error.message).toContain('exit code 3');
    expect(error.message).toContain('  | Type error: boom');
    expect(error.message).toContain('  | line 300');
    expect(error.message).not.toContain('line 100\n');
    const tail = error.details['outputTail'] as string[];
    expect(tail).toHaveLength(OUTPUT_TAIL_LINES);
    expect(tail[0]).toBe('line 102');
    expect(tail.at(-1)).toBe('Type error: boom');
    expect(error.details['exit']).toBe(3);
  });

  it('explains what static export cannot do when Next.js says so', async () => {
    await installNext(`
      console.error('Error: Page "/users/[id]" is missing "generateStaticParams()" so it cannot be used with "output: export" config.');
      console.error('> Build error occurred');
      process.exitCode = 1;
    `);
    const error = await failure(buildFrontend(await nextPlan()));
    expect(error.code).toBe(CliErrorCode.FRONTEND_EXPORT_UNSUPPORTED);
    expect(error.details).toMatchObject({
      feature: 'dynamic-route-without-static-params',
      route: '/users/[id]',
    });
    expect(error.message).toContain('generateStaticParams()');
    expect(error.message).toContain('no server actions');
    expect(error.details['outputTail']).toHaveLength(2);
  });

  it('asks for npm install when the framework is not installed in the project', async () => {
    const error = await failure(buildFrontend(await nextPlan()));
    expect(error.code).toBe(CliErrorCode.FRONTEND_TOOL_MISSING);
    expect(error.message).toContain('npm install');
    expect(error.details).toMatchObject({ package: 'next' });
  });

  it('asks for npm install when the package is there without its binary', async () => {
    await write('node_modules/next/package.json', JSON.stringify({ name: 'next', bin: {} }));
    const error = await failure(buildFrontend(await nextPlan()));
    expect(error.code).toBe(CliErrorCode.FRONTEND_TOOL_MISSING);
  });

  it('says the CLI is not built when the compiled adapter is missing', async () => {
    await installNext(exportingScript());
    const plan = await nextPlan({ NEXT_ADAPTER_PATH: join(dir.path, 'no-adapter.js') });
    const error = await failure(buildFrontend(plan));
    expect(error.code).toBe(CliErrorCode.NOT_BUILT);
    expect(error.message).toContain('npm run build');
  });

  it('explains a successful next build that exported nothing (the adapter was not applied)', async () => {
    await installNext('console.log("✓ Compiled successfully");', '15.5.0');
    const error = await failure(buildFrontend(await nextPlan()));
    expect(error.code).toBe(CliErrorCode.FRONTEND_OUTPUT_MISSING);
    expect(error.message).toContain('there is no out/');
    expect(error.message).toContain('Next.js 15.5.0');
    expect(error.message).toContain("output: 'export'");
  });

  it('explains an export without index.html', async () => {
    await installNext(`
      const fs = require('node:fs');
      console.log(${JSON.stringify(EXPORT_DIR_LINE)} + 'out');
      fs.mkdirSync('out', { recursive: true });
      fs.writeFileSync('out/about.html', '');
    `);
    const error = await failure(buildFrontend(await nextPlan()));
    expect(error.code).toBe(CliErrorCode.FRONTEND_OUTPUT_MISSING);
    expect(error.message).toContain('out/ has no index.html');
    expect(error.message).toContain('app/page.tsx');
  });

  it("runs vite's binary from the project and checks its dist/", async () => {
    await write(
      'node_modules/vite/package.json',
      JSON.stringify({ name: 'vite', version: '7.1.0', bin: { vite: 'bin/vite.js' } }),
    );
    await write(
      'node_modules/vite/bin/vite.js',
      `const fs = require('node:fs');
       console.log('vite ' + process.argv.slice(2).join(' '));
       fs.mkdirSync('dist', { recursive: true });
       fs.writeFileSync('dist/index.html', '<!doctype html>');`,
    );
    const plan: FrontendPlan = {
      kind: 'vite',
      root: dir.path,
      outputDir: join(dir.path, 'dist'),
      build: { command: 'vite', args: ['build'], env: {} },
      description: 'Vite app',
    };
    const lines: string[] = [];
    const result = await buildFrontend(plan, { onOutput: (line) => lines.push(line) });
    expect(lines).toContain('vite build');
    expect(result).toMatchObject({ outputDir: join(dir.path, 'dist'), warnings: [] });

    await write('node_modules/vite/bin/vite.js', 'console.log("built elsewhere");');
    await write('dist/index.html', '');
    const emptied = { ...plan, outputDir: join(dir.path, 'www') };
    const error = await failure(buildFrontend(emptied));
    expect(error.code).toBe(CliErrorCode.FRONTEND_OUTPUT_MISSING);
    expect(error.message).toContain('citadel deploy ./');
  });

  it('stops the build when aborted and rejects with the reason', async () => {
    await installNext(`
      const fs = require('node:fs');
      fs.writeFileSync('pid', String(process.pid));
      console.log('started');
      setInterval(() => {}, 1000);
    `);
    const controller = new AbortController();
    const reason = new Error('deploy cancelled');
    const build = buildFrontend(await nextPlan(), {
      signal: controller.signal,
      onOutput: (line) => {
        if (line === 'started') {
          controller.abort(reason);
        }
      },
    });
    await expect(build).rejects.toBe(reason);
    const pid = Number(await readFile(join(dir.path, 'pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('does not start when the signal is already aborted', async () => {
    await installNext(exportingScript());
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(buildFrontend(await nextPlan(), { signal: controller.signal })).rejects.toThrow(
      'too late',
    );
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
  });
});
