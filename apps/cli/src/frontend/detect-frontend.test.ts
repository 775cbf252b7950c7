import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import { makeTempDir } from '../testing/fakes.js';
import { detectFrontend, displayDir, nextAdapterPath, viteOutDir } from './detect-frontend.js';

describe('detectFrontend', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  const write = async (path: string, content = ''): Promise<void> => {
    const file = join(dir.path, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  };
  const packageJson = (fields: Record<string, unknown>) =>
    write('package.json', JSON.stringify({ name: 'app', ...fields }));
  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      return error as { code: string; message: string; details: Record<string, unknown> };
    }
    throw new Error('expected detection to fail');
  };

  describe('a Next.js app', () => {
    it('is recognised by next in dependencies and exported to out/ by next build', async () => {
      await packageJson({ dependencies: { next: '16.5.0', react: '19.3.1' } });
      const plan = await detectFrontend(dir.path);
      expect(plan).toMatchObject({
        kind: 'next',
        root: dir.path,
        outputDir: join(dir.path, 'out'),
        build: { command: 'next', args: ['build'] },
      });
      expect(plan.description).toContain('out/');
    });

    it('is recognised by next in devDependencies', async () => {
      await packageJson({ devDependencies: { next: '^16' } });
      expect((await detectFrontend(dir.path)).kind).toBe('next');
    });

    it.each(['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.mts'])(
      'is recognised by %s alone',
      async (file) => {
        await write(file, 'export default {};');
        expect((await detectFrontend(dir.path)).kind).toBe('next');
      },
    );

    it("builds with telemetry off and citadel's adapter, by absolute path to compiled JS", async () => {
      await packageJson({ dependencies: { next: '16.5.0' } });
      const { build } = await detectFrontend(dir.path);
      expect(build?.env['NEXT_TELEMETRY_DISABLED']).toBe('1');
      const adapter = build?.env['NEXT_ADAPTER_PATH'] ?? '';
      expect(isAbsolute(adapter)).toBe(true);
      expect(adapter).toBe(nextAdapterPath());
      expect(adapter.endsWith(join('apps', 'cli', 'dist', 'frontend', 'next-adapter.js'))).toBe(
        true,
      );
    });

    it('wins over vite and over an index.html', async () => {
      await packageJson({ dependencies: { next: '16.5.0', vite: '7.0.0' } });
      await write('index.html', '<!doctype html>');
      expect((await detectFrontend(dir.path)).kind).toBe('next');
    });
  });

  describe('a Vite app', () => {
    it('is recognised by vite in devDependencies and built to dist/ with vite build', async () => {
      await packageJson({ devDependencies: { vite: '^7.0.0' } });
      await write('index.html', '<!doctype html>');
      expect(await detectFrontend(dir.path)).toMatchObject({
        kind: 'vite',
        outputDir: join(dir.path, 'dist'),
        build: { command: 'vite', args: ['build'], env: {} },
      });
    });

    it.each(['vite.config.ts', 'vite.config.js', 'vite.config.mjs', 'vite.config.mts'])(
      'is recognised by %s alone',
      async (file) => {
        await write(file, 'export default {};');
        expect((await detectFrontend(dir.path)).kind).toBe('vite');
      },
    );

    it('builds to build.outDir when the config writes it as a plain string', async () => {
      await packageJson({ devDependencies: { vite: '^7.0.0' } });
      await write(
        'vite.config.ts',
        "import { defineConfig } from 'vite';\nexport default defineConfig({ build: { outDir: 'site/www' } });\n",
      );
      const plan = await detectFrontend(dir.path);
      expect(plan.outputDir).toBe(join(dir.path, 'site', 'www'));
      expect(plan.description).toContain('site/www/');
    });

    it('falls back to dist/ when outDir is computed or mentioned more than once', async () => {
      await write('vite.config.ts', 'export default { build: { outDir: process.env.OUT } };');
      expect((await detectFrontend(dir.path)).outputDir).toBe(join(dir.path, 'dist'));
      await write(
        'vite.config.ts',
        "const a = { outDir: 'a' };\nexport default mode === 'x' ? { build: a } : { build: { outDir: 'b' } };",
      );
      expect((await detectFrontend(dir.path)).outputDir).toBe(join(dir.path, 'dist'));
    });
  });

  describe('a folder of static files', () => {
    it('is the project root when it holds index.html', async () => {
      await write('index.html', '<!doctype html>');
      await write('public/index.html', '<!doctype html>');
      expect(await detectFrontend(dir.path)).toEqual({
        kind: 'static',
        root: dir.path,
        outputDir: dir.path,
        description: 'Static files: ./ as it is',
      });
    });

    it.each(['public', 'dist', 'out', 'build'])('is %s/ when it holds index.html', async (name) => {
      await packageJson({ dependencies: { lodash: '4' } });
      await write(`${name}/index.html`, '<!doctype html>');
      const plan = await detectFrontend(dir.path);
      expect(plan).toMatchObject({ kind: 'static', outputDir: join(dir.path, name) });
      expect(plan.build).toBeUndefined();
    });

    it('prefers public/ over dist/, out/ and build/', async () => {
      for (const name of ['build', 'out', 'dist', 'public']) {
        await write(`${name}/index.html`, '<!doctype html>');
      }
      expect((await detectFrontend(dir.path)).outputDir).toBe(join(dir.path, 'public'));
    });

    it('does not take a folder named index.html for the page', async () => {
      await mkdir(join(dir.path, 'index.html'));
      await write('dist/index.html', '<!doctype html>');
      expect((await detectFrontend(dir.path)).outputDir).toBe(join(dir.path, 'dist'));
    });
  });

  describe('an explicit folder', () => {
    it('is deployed as it is, resolved against the project root, even in a Next.js app', async () => {
      await packageJson({ dependencies: { next: '16.5.0' } });
      await mkdir(join(dir.path, 'assets', 'site'), { recursive: true });
      expect(await detectFrontend(dir.path, { dir: './assets/site' })).toEqual({
        kind: 'static',
        root: dir.path,
        outputDir: join(dir.path, 'assets', 'site'),
        description: 'Static files: assets/site/ as it is',
      });
    });

    it('may be absolute and outside the project, and needs no index.html', async () => {
      const other = await makeTempDir();
      try {
        const plan = await detectFrontend(dir.path, { dir: other.path });
        expect(plan.outputDir).toBe(other.path);
        expect(plan.description).toContain(other.path);
      } finally {
        await other.remove();
      }
    });

    it('must exist', async () => {
      const error = await failure(detectFrontend(dir.path, { dir: 'missing' }));
      expect(error.code).toBe(CliErrorCode.FRONTEND_DIR_NOT_FOUND);
      expect(error.message).toContain('missing');
      expect(error.details).toEqual({ dir: join(dir.path, 'missing') });
    });

    it('must be a folder, not a file', async () => {
      await write('site.zip', 'PK');
      const error = await failure(detectFrontend(dir.path, { dir: 'site.zip' }));
      expect(error.code).toBe(CliErrorCode.FRONTEND_NOT_A_DIRECTORY);
      const below = await failure(detectFrontend(dir.path, { dir: 'site.zip/inner' }));
      expect(below.code).toBe(CliErrorCode.FRONTEND_DIR_NOT_FOUND);
    });
  });

  it('names everything it looked for, and how to name a folder, when it finds nothing', async () => {
    await packageJson({ dependencies: { express: '5' } });
    await write('src/index.html', '<!doctype html>');
    const error = await failure(detectFrontend(dir.path));
    expect(error.code).toBe(CliErrorCode.FRONTEND_NOT_DETECTED);
    for (const looked of [
      'next or vite',
      'next.config.ts',
      'vite.config.ts',
      'index.html',
      'the project root',
      'public/',
      'dist/',
      'out/',
      'build/',
      'citadel deploy ./',
    ]) {
      expect(error.message).toContain(looked);
    }
  });

  it('refuses a package.json that is not a JSON object', async () => {
    for (const bad of ['{ "dependencies": ', '[]', 'null']) {
      await write('package.json', bad);
      const error = await failure(detectFrontend(dir.path));
      expect(error.code).toBe(CliErrorCode.FRONTEND_PACKAGE_INVALID);
      expect(error.message).toContain(join(dir.path, 'package.json'));
    }
  });

  it('ignores dependency fields of the wrong type', async () => {
    await packageJson({ dependencies: ['next'], devDependencies: 'vite' });
    await write('index.html', '<!doctype html>');
    expect((await detectFrontend(dir.path)).kind).toBe('static');
  });
});

describe('viteOutDir', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => dir.remove());

  it('reads single- and double-quoted literals and ignores template literals with ${}', async () => {
    const file = join(dir.path, 'vite.config.js');
    await writeFile(file, 'export default { build: { outDir: "www" } }');
    expect(await viteOutDir(file)).toBe('www');
    await writeFile(file, 'export default { build: { outDir: `out-${mode}` } }');
    expect(await viteOutDir(file)).toBeUndefined();
    expect(await viteOutDir(join(dir.path, 'missing.js'))).toBeUndefined();
  });
});

describe('displayDir', () => {
  it('shows folders inside the root relatively, with a trailing slash', () => {
    expect(displayDir('/p', '/p')).toBe('./');
    expect(displayDir('/p', '/p/out')).toBe('out/');
    expect(displayDir('/p', '/elsewhere/site')).toBe('/elsewhere/site/');
  });
});
