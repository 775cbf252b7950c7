/**
 * A Next.js App Router app written from scratch for the frontend tests (not part of the
 * build): what a user has after `create-next-app` plus a few pages, with no Citadel
 * configuration at all. No network access; `next`, `react` and `react-dom` resolve from the
 * repository's node_modules, so the app must live inside the repository (see
 * {@link createFixtureDir}).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

/** The repository root (this file is apps/cli/src/testing/next-fixture.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Where fixture apps go: inside the repository so Node's resolution finds its node_modules,
 * and under `.citadel/`, which git, eslint and prettier ignore and tsc and vitest never look
 * at. Not under node_modules: Turbopack does not build an app that lives there (it panics
 * with "Expected process result to be a module").
 */
export const FIXTURES_ROOT = join(REPO_ROOT, '.citadel', 'test-fixtures');

/** Options of {@link createNextFixtureApp}. */
export interface NextFixtureOptions {
  /** Size of `public/downloads/big.bin`. @default 5 MiB */
  readonly bigFileBytes?: number;
}

/** One page the static export must contain. */
export interface ExpectedPage {
  /** URL path, e.g. `/docs/guides/setup`. */
  readonly route: string;
  /** The HTML files (relative to `out/`, `/`-separated) of which one must exist. */
  readonly htmlFiles: readonly string[];
  /** Text the rendered page contains. */
  readonly text: string;
}

/** What {@link createNextFixtureApp} wrote and what its export must contain. */
export interface NextFixtureApp {
  readonly dir: string;
  /** Slugs `generateStaticParams` returns for app/posts/[slug]. */
  readonly postSlugs: readonly string[];
  readonly pages: readonly ExpectedPage[];
  /** Text of the custom not-found page (exported as 404.html). */
  readonly notFoundText: string;
  /** Files under public/ (relative, `/`-separated); the export copies them byte for byte. */
  readonly publicFiles: readonly string[];
  /** Files the app's author wrote (relative), with their exact contents. */
  readonly sourceFiles: ReadonlyMap<string, string | Uint8Array>;
}

/** A fresh empty directory under {@link FIXTURES_ROOT}; remove it with `rm(dir, { recursive })`. */
export async function createFixtureDir(prefix = 'app'): Promise<string> {
  const dir = join(FIXTURES_ROOT, `${prefix}-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Removes a directory made by {@link createFixtureDir}. */
export async function removeFixtureDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

const POST_SLUGS = ['hello-world', 'second-post', 'café'] as const;
const NOT_FOUND_TEXT = 'This page went to the fixture graveyard.';

/** The stock `next.config.ts` of a new app: an empty configuration. */
export const STOCK_NEXT_CONFIG = `import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  /* config options here */
};

export default nextConfig;
`;

const PACKAGE_JSON = `${JSON.stringify(
  {
    name: 'fixture-next-app',
    version: '0.1.0',
    private: true,
    scripts: { dev: 'next dev', build: 'next build', start: 'next start' },
    dependencies: { next: '16.5.0', react: '19.3.1', 'react-dom': '19.3.1' },
    devDependencies: {
      '@types/node': '^20',
      '@types/react': '^19',
      '@types/react-dom': '^19',
      typescript: '^5',
    },
  },
  null,
  2,
)}\n`;

const TSCONFIG_JSON = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2017',
      lib: ['dom', 'dom.iterable', 'esnext'],
      allowJs: true,
      skipLibCheck: true,
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      module: 'esnext',
      moduleResolution: 'bundler',
      resolveJsonModule: true,
      isolatedModules: true,
      jsx: 'react-jsx',
      incremental: true,
      plugins: [{ name: 'next' }],
      paths: { '@/*': ['./*'] },
    },
    include: [
      'next-env.d.ts',
      '**/*.ts',
      '**/*.tsx',
      '.next/types/**/*.ts',
      '.next/dev/types/**/*.ts',
      '**/*.mts',
    ],
    exclude: ['node_modules'],
  },
  null,
  2,
)}\n`;

const LAYOUT_TSX = `import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = {
  title: "Fixture app",
  description: "A stock Next.js app for the deploy tests",
};

export default function RootLayout({
  children,
}: Readonly<{
  children: React.ReactNode;
}>) {
  return (
    <html lang="en">
      <body>
        <nav>
          <Link href="/">Home</Link> <Link href="/docs/guides/setup">Setup guide</Link>
        </nav>
        {children}
      </body>
    </html>
  );
}
`;

const PAGE_TSX = `import Image from "next/image";
import Link from "next/link";

const posts = ${JSON.stringify(POST_SLUGS)};

export default function Home() {
  return (
    <main>
      <h1>Welcome to the fixture app</h1>
      <Image src="/images/logo.png" alt="Logo" width={16} height={16} priority />
      <ul>
        {posts.map((slug) => (
          <li key={slug}>
            <Link href={\`/posts/\${encodeURIComponent(slug)}\`}>{slug}</Link>
          </li>
        ))}
      </ul>
      <p>
        <a href="/files/résumé.txt">Résumé</a> <a href="/files/read me.txt">Read me</a>{" "}
        <a href="/downloads/big.bin">Download</a>
      </p>
    </main>
  );
}
`;

const SETUP_PAGE_TSX = `export default function SetupGuide() {
  return (
    <main>
      <h1>Setup guide</h1>
      <p>Nested three folders deep.</p>
    </main>
  );
}
`;

const POST_PAGE_TSX = `import Image from "next/image";

const slugs = ${JSON.stringify(POST_SLUGS)};

export function generateStaticParams() {
  return slugs.map((slug) => ({ slug }));
}

export default async function Post({
  params,
}: {
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  return (
    <article>
      <h1>{\`Post: \${decodeURIComponent(slug)}\`}</h1>
      <Image src="/images/pixel.png" alt="" width={4} height={4} />
    </article>
  );
}
`;

const NOT_FOUND_TSX = `import Link from "next/link";

export default function NotFound() {
  return (
    <main>
      <h1>Not found</h1>
      <p>${NOT_FOUND_TEXT}</p>
      <Link href="/">Back home</Link>
    </main>
  );
}
`;

/**
 * Writes a fresh Next.js App Router app into `dir` (created if missing): pages, nested and
 * dynamic routes, a custom not-found page and public files with awkward names and sizes.
 * @example
 * const app = await createNextFixtureApp(await createFixtureDir());
 * // next build → app.pages[i].htmlFiles, app.publicFiles under out/
 */
export async function createNextFixtureApp(
  dir: string,
  options: NextFixtureOptions = {},
): Promise<NextFixtureApp> {
  const files = new Map<string, string | Uint8Array>([
    ['package.json', PACKAGE_JSON],
    ['tsconfig.json', TSCONFIG_JSON],
    ['next.config.ts', STOCK_NEXT_CONFIG],
    ['app/layout.tsx', LAYOUT_TSX],
    ['app/page.tsx', PAGE_TSX],
    ['app/not-found.tsx', NOT_FOUND_TSX],
    ['app/docs/guides/setup/page.tsx', SETUP_PAGE_TSX],
    ['app/posts/[slug]/page.tsx', POST_PAGE_TSX],
    ['public/images/logo.png', makePng(16, 16, [0x1d, 0x4e, 0xd8])],
    ['public/images/pixel.png', makePng(4, 4, [0xe1, 0x1d, 0x48])],
    ['public/files/résumé.txt', 'Curriculum vitæ — naïve café owner.\n'],
    ['public/files/read me.txt', 'A file name with a space.\n'],
    ['public/downloads/big.bin', pseudoRandomBytes(options.bigFileBytes ?? 5 * 1024 * 1024)],
  ]);
  for (const [path, contents] of files) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, contents);
  }
  const post = (slug: string): ExpectedPage => ({
    route: `/posts/${encodeURIComponent(slug)}`,
    htmlFiles: [`posts/${slug}.html`, `posts/${slug}/index.html`],
    text: `Post: ${slug}`,
  });
  return {
    dir,
    postSlugs: POST_SLUGS,
    pages: [
      { route: '/', htmlFiles: ['index.html'], text: 'Welcome to the fixture app' },
      {
        route: '/docs/guides/setup',
        htmlFiles: ['docs/guides/setup.html', 'docs/guides/setup/index.html'],
        text: 'Nested three folders deep.',
      },
      ...POST_SLUGS.map(post),
    ],
    notFoundText: NOT_FOUND_TEXT,
    publicFiles: [...files.keys()]
      .filter((path) => path.startsWith('public/'))
      .map((path) => path.slice('public/'.length)),
    sourceFiles: files,
  };
}

/** `length` bytes of a fixed pseudo-random sequence (xorshift32), the same on every run. */
export function pseudoRandomBytes(length: number, seed = 0x2545f491): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i += 4) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    for (let j = 0; j < 4 && i + j < length; j += 1) {
      bytes[i + j] = (state >>> (8 * j)) & 0xff;
    }
  }
  return bytes;
}

/** A valid PNG of one solid RGB colour. */
export function makePng(width: number, height: number, rgb: readonly number[]): Uint8Array {
  const row = new Uint8Array(1 + width * 3); // filter byte 0, then RGB triples
  for (let x = 0; x < width; x += 1) {
    row.set(rgb.slice(0, 3), 1 + x * 3);
  }
  const raw = new Uint8Array(row.length * height);
  for (let y = 0; y < height; y += 1) {
    raw.set(row, y * row.length);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typeBytes = Buffer.from(type, 'latin1');
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(typeBytes, 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(Buffer.concat([typeBytes, data])));
  return chunk;
}
