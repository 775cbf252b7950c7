import { describe, expect, it } from 'vitest';
import citadelNextAdapter, { EXPORT_DIR_LINE, createCitadelNextAdapter } from './next-adapter.js';
import {
  STABLE_BUILD_ID,
  STANDALONE_REFUSAL,
  citadelStaticExport,
  nextExportDir,
} from './next-static-export.js';

describe('citadelStaticExport', () => {
  it('turns an empty config into a static export with images served as they are', () => {
    expect(citadelStaticExport({})).toEqual({
      output: 'export',
      images: { unoptimized: true },
      generateBuildId: expect.any(Function),
    });
  });

  it('fixes the build id so unchanged pages export to the same bytes, unless the app sets one', async () => {
    expect(await citadelStaticExport({}).generateBuildId?.()).toBe(STABLE_BUILD_ID);
    // Next.js's default generator returns null: a random id would follow.
    expect(await citadelStaticExport({ generateBuildId: () => null }).generateBuildId?.()).toBe(
      STABLE_BUILD_ID,
    );
    const own = { generateBuildId: async () => 'v42' };
    expect(await citadelStaticExport(own).generateBuildId?.()).toBe('v42');
    const exporting = { output: 'export' as const, generateBuildId: () => 'mine' };
    expect(await citadelStaticExport(exporting).generateBuildId?.()).toBe('mine');
  });

  it("keeps the app's other settings, trailingSlash included, and does not mutate its config", () => {
    for (const trailingSlash of [true, false, undefined]) {
      const config = {
        reactStrictMode: true,
        trailingSlash,
        basePath: '',
        images: { remotePatterns: [{ hostname: 'cdn.example' }] },
      };
      const before = structuredClone(config);
      expect(citadelStaticExport(config)).toEqual({
        reactStrictMode: true,
        trailingSlash,
        basePath: '',
        output: 'export',
        images: { remotePatterns: [{ hostname: 'cdn.example' }], unoptimized: true },
        generateBuildId: expect.any(Function),
      });
      expect(config).toEqual(before);
    }
  });

  it("serves images unoptimized with Next.js's default loader", () => {
    // As Next.js hands the config to adapters: defaults filled in.
    const config = { images: { loader: 'default', loaderFile: '', unoptimized: false } };
    expect(citadelStaticExport(config).images).toEqual({
      loader: 'default',
      loaderFile: '',
      unoptimized: true,
    });
  });

  it('leaves images alone when the app has a loader of its own', () => {
    const cloudinary = { images: { loader: 'cloudinary', path: 'https://res.cloudinary.com/x/' } };
    expect(citadelStaticExport(cloudinary).images).toBe(cloudinary.images);
    const file = { images: { loader: 'custom', loaderFile: './image-loader.ts' } };
    expect(citadelStaticExport(file).images).toBe(file.images);
  });

  it("leaves a config that already sets output: 'export' as it is but for the build id", () => {
    const config = { output: 'export' as const, images: { unoptimized: false } };
    expect(citadelStaticExport(config)).toEqual({
      ...config,
      generateBuildId: expect.any(Function),
    });
  });

  it("refuses output: 'standalone', saying how to fix next.config", () => {
    expect(() => citadelStaticExport({ output: 'standalone' })).toThrow(STANDALONE_REFUSAL);
    expect(() => citadelStaticExport({ output: 'standalone' })).toThrow(/Remove "output"/);
  });
});

describe('nextExportDir', () => {
  it('is out, or the distDir an exporting app set, as in Next.js', () => {
    expect(nextExportDir({ output: 'export', distDir: '.next' })).toBe('out');
    expect(nextExportDir({ output: 'export' })).toBe('out');
    expect(nextExportDir({ output: 'export', distDir: 'site' })).toBe('site');
    expect(nextExportDir({ distDir: 'site' })).toBeUndefined();
  });
});

describe('the Next.js adapter', () => {
  const complete = {
    distDir: '.next',
    trailingSlash: false,
    images: { loader: 'default', loaderFile: '', unoptimized: false },
  };

  it('is a default export with a name and modifyConfig, as NEXT_ADAPTER_PATH requires', () => {
    expect(citadelNextAdapter.name).toBe('citadel-static-export');
    expect(typeof citadelNextAdapter.modifyConfig).toBe('function');
  });

  it('exports the production build and prints where the export goes', () => {
    const lines: string[] = [];
    const adapter = createCitadelNextAdapter((line) => lines.push(line));
    const config = adapter.modifyConfig(complete, { phase: 'phase-production-build' });
    expect(config).toMatchObject({ output: 'export', images: { unoptimized: true } });
    expect(lines).toEqual([`${EXPORT_DIR_LINE}out`]);
  });

  it('leaves the development server and other phases alone', () => {
    const lines: string[] = [];
    const adapter = createCitadelNextAdapter((line) => lines.push(line));
    for (const phase of ['phase-development-server', 'phase-production-server', 'phase-test']) {
      expect(adapter.modifyConfig(complete, { phase })).toBe(complete);
    }
    expect(lines).toEqual([]);
  });
});
