/**
 * The real `next build` (Next.js 16 from the repository's node_modules) of a stock Next.js app
 * with no Citadel configuration, exported through citadel's adapter. `npm run build` must
 * have run first: Next.js loads the adapter from apps/cli/dist. About 10–20 s per build.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliErrorCode } from '../errors.js';
import type { NextFixtureApp } from '../testing/next-fixture.js';
import {
  STOCK_NEXT_CONFIG,
  createFixtureDir,
  createNextFixtureApp,
  removeFixtureDir,
} from '../testing/next-fixture.js';
import type { FrontendBuildResult } from './build-frontend.js';
import { buildFrontend } from './build-frontend.js';
import type { FrontendPlan } from './detect-frontend.js';
import { detectFrontend } from './detect-frontend.js';

/** Upper bound for one `next build`; generous, it only bounds a hang. */
const BUILD_LIMIT_MS = 300_000;

describe('a stock Next.js app, built by buildFrontend with the real next build', () => {
  let app: NextFixtureApp;
  let plan: FrontendPlan;
  let result: FrontendBuildResult;
  const output: string[] = [];

  beforeAll(async () => {
    app = await createNextFixtureApp(await createFixtureDir('next-export'));
    plan = await detectFrontend(app.dir);
    result = await buildFrontend(plan, { onOutput: (line) => output.push(line) });
    console.log(`next build of the fixture app: ${Math.round(result.durationMs)} ms`);
  }, BUILD_LIMIT_MS);
  afterAll(async () => {
    if (app !== undefined) {
      await removeFixtureDir(app.dir);
    }
  });

  const out = (path: string) => join(result.outputDir, ...path.split('/'));

  it('is detected as Next.js and exported to out/, through the adapter', () => {
    expect(plan.kind).toBe('next');
    expect(result.outputDir).toBe(join(app.dir, 'out'));
    expect(output).toContain('  Applying modifyConfig from citadel-static-export');
    expect(result.warnings).toEqual([]);
  });

  it("leaves the app's files untouched: next.config.ts, package.json, tsconfig.json, pages", async () => {
    expect(await readFile(join(app.dir, 'next.config.ts'), 'utf8')).toBe(STOCK_NEXT_CONFIG);
    for (const [path, contents] of app.sourceFiles) {
      const bytes = await readFile(join(app.dir, path));
      expect(bytes.equals(Buffer.from(contents)), path).toBe(true);
    }
  });

  it('renders every page, nested and dynamic (unicode slug included), to an HTML file', async () => {
    for (const page of app.pages) {
      const file = page.htmlFiles.find((candidate) => existsSync(out(candidate)));
      expect(file, `${page.route}: one of ${page.htmlFiles.join(', ')}`).toBeDefined();
      expect(await readFile(out(file ?? ''), 'utf8')).toContain(page.text);
    }
    expect(existsSync(out('docs/guides/setup.html'))).toBe(true);
    for (const slug of app.postSlugs) {
      expect(existsSync(out(`posts/${slug}.html`)), slug).toBe(true);
    }
  });

  it('exports the custom not-found page as 404.html', async () => {
    expect(await readFile(out('404.html'), 'utf8')).toContain(app.notFoundText);
  });

  it('copies every public file byte for byte, whatever its name or size', async () => {
    for (const path of app.publicFiles) {
      const copied = await readFile(out(path));
      const original = await readFile(join(app.dir, 'public', ...path.split('/')));
      expect(copied.equals(original), path).toBe(true);
    }
    expect((await readFile(out('downloads/big.bin'))).length).toBe(5 * 1024 * 1024);
  });

  it('serves next/image pictures as they are, with no image optimizer', async () => {
    const home = await readFile(out('index.html'), 'utf8');
    expect(home).toContain('src="/images/logo.png"');
    expect(home).not.toContain('/_next/image');
  });
});

describe('a Next.js app that needs a server, built with the real next build', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) {
      await removeFixtureDir(dir);
    }
  });

  it(
    'fails with what static export cannot do, naming the route handler',
    async () => {
      dir = await createFixtureDir('next-server');
      await createNextFixtureApp(dir, { bigFileBytes: 1024 });
      await mkdir(join(dir, 'app', 'api', 'echo'), { recursive: true });
      await writeFile(
        join(dir, 'app', 'api', 'echo', 'route.ts'),
        'export async function GET(request: Request) {\n  return Response.json({ url: request.url });\n}\n',
      );
      const plan = await detectFrontend(dir);
      const error = await buildFrontend(plan).then(
        () => {
          throw new Error('expected next build to fail');
        },
        (failure: unknown) =>
          failure as { code: string; message: string; details: Record<string, unknown> },
      );
      expect(error.code).toBe(CliErrorCode.FRONTEND_EXPORT_UNSUPPORTED);
      expect(error.details).toMatchObject({ feature: 'route-handler', route: '/api/echo' });
      expect(error.message).toContain("export const dynamic = 'force-static'");
      expect((error.details['outputTail'] as string[]).length).toBeGreaterThan(0);
      expect(await readFile(join(dir, 'next.config.ts'), 'utf8')).toBe(STOCK_NEXT_CONFIG);
    },
    BUILD_LIMIT_MS,
  );
});
