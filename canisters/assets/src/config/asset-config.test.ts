import { describe, expect, it } from 'vitest';
import { createAssetConfigResolver, defaultEncodings } from './asset-config.js';
import { parseAssetConfigRules } from './rules.js';
import { SECURITY_POLICY_HEADERS } from './security-policy.js';
import type { AssetConfig } from './types.js';

const ROOT = '/home/dev/site/dist';

/** A resolver over config texts keyed by their directory ('' is the asset root). */
function makeResolver(configs: Record<string, string>, root = ROOT) {
  return createAssetConfigResolver(
    Object.entries(configs).map(([dir, text]) => ({
      dir,
      file: `${dir}/.ic-assets.json5`,
      rules: parseAssetConfigRules(text),
    })),
    { root },
  );
}

const DEFAULT: AssetConfig = {
  headers: undefined,
  maxAge: undefined,
  ignore: undefined,
  enableAliasing: undefined,
  allowRawAccess: true,
  encodings: undefined,
  securityPolicy: undefined,
  disableSecurityPolicyWarning: undefined,
  warnings: ['no-security-policy'],
};

const configWith = (overrides: Partial<AssetConfig>): AssetConfig => ({ ...DEFAULT, ...overrides });

// The tree of ic-asset's config.rs tests (`create_temporary_assets_directory`), with an empty
// config file in every directory.
const SITE_FILES = [
  'index.html',
  'js/index.js',
  'js/index.map.js',
  'css/main.css',
  'css/stylish.css',
  'nested/the-thing.txt',
  'nested/deep/the-next-thing.toml',
];
const NESTED = ['nested/the-thing.txt', 'nested/deep/the-next-thing.toml'];
const NOT_NESTED = SITE_FILES.filter((file) => !NESTED.includes(file));

function siteResolver(configs: Record<string, string>) {
  return makeResolver({
    '': '[]',
    css: '[]',
    js: '[]',
    nested: '[]',
    'nested/deep': '[]',
    ...configs,
  });
}

describe('createAssetConfigResolver, as ic-asset’s config.rs tests', () => {
  it('applies a nested config to its directory and everything below it (match_only_nested_files)', () => {
    const resolver = siteResolver({ nested: '[{"match": "*", "cache": {"max_age": 333}}]' });
    for (const file of NESTED) {
      expect(resolver.resolve(file)).toEqual(configWith({ maxAge: 333n }));
    }
    for (const file of NOT_NESTED) {
      expect(resolver.resolve(file)).toEqual(DEFAULT);
    }
  });

  it('lets a deeper config override the root one (overriding_cache_rules)', () => {
    const resolver = siteResolver({
      nested: '[{"match": "*", "cache": {"max_age": 111}}]',
      '': '[{"match": "*", "cache": {"max_age": 333}}]',
    });
    for (const file of NESTED) {
      expect(resolver.resolve(file).maxAge).toBe(111n);
    }
    for (const file of NOT_NESTED) {
      expect(resolver.resolve(file).maxAge).toBe(333n);
    }
  });

  it('merges headers name by name, later rules winning, sorted by name (overriding_headers)', () => {
    const resolver = siteResolver({
      '': `[
        { "match": "index.html", "cache": { "max_age": 22 },
          "headers": { "Content-Security-Policy": "add", "x-frame-options": "NONE",
                       "x-content-type-options": "nosniff" } },
        { "match": "*", "headers": { "Content-Security-Policy": "delete" } },
        { "match": "*", "headers": { "Some-Other-Policy": "add" } },
        { "match": "*", "cache": { "max_age": 88 },
          "headers": { "x-xss-protection": 1, "x-frame-options": "SAMEORIGIN" } }
      ]`,
    });
    const config = resolver.resolve('index.html');
    expect(config.maxAge).toBe(88n);
    expect(config.headers).toEqual([
      ['Content-Security-Policy', 'delete'],
      ['Some-Other-Policy', 'add'],
      ['x-content-type-options', 'nosniff'],
      ['x-frame-options', 'SAMEORIGIN'],
      ['x-xss-protection', '1'],
    ]);
  });

  it('overrides the default encodings, an empty list included (overriding_encodings)', () => {
    const resolver = siteResolver({
      '': '[{"match": "**/*.txt", "encodings": []},{"match": "**/*.unknown", "encodings": ["gzip"]}]',
    });
    expect(resolver.resolve('file.unknown')).toEqual(configWith({ encodings: ['gzip'] }));
    expect(resolver.resolve('text.txt')).toEqual(configWith({ encodings: [] }));
    expect(resolver.resolve('index.html').encodings).toBeUndefined();
  });

  it('gives the deepest config and the last rule in a file the final word (prioritization)', () => {
    const resolver = siteResolver({
      '': `[
        {"match": "**/*", "cache": {"max_age": 999}},
        {"match": "nested/**/*", "cache": {"max_age": 900}},
        {"match": "nested/deep/*", "cache": {"max_age": 800}},
        {"match": "nested/**/*.toml","cache": {"max_age": 700}}
      ]`,
      nested: `[
        {"match": "the-thing.txt", "cache": {"max_age": 600}},
        {"match": "*.txt", "cache": {"max_age": 500}},
        {"match": "*", "cache": {"max_age": 400}}
      ]`,
      'nested/deep': `[
        {"match": "**/*", "cache": {"max_age": 300}},
        {"match": "*", "cache": {"max_age": 200}},
        {"match": "*.toml", "cache": {"max_age": 100}}
      ]`,
    });
    for (const file of NOT_NESTED) {
      expect(resolver.resolve(file)).toEqual(configWith({ maxAge: 999n }));
    }
    expect(resolver.resolve('nested/the-thing.txt')).toEqual(configWith({ maxAge: 400n }));
    expect(resolver.resolve('nested/deep/the-next-thing.toml')).toEqual(
      configWith({ maxAge: 100n }),
    );
  });

  it('reads a JSON5 config with comments and unquoted keys (json5_config_file_with_comments)', () => {
    const resolver = siteResolver({
      '': '[\n// comment\n  {\n    "match": "*",\n    /*\n    unquoted below\n*/  cache: { max_age: 999 } }\n]',
    });
    expect(resolver.resolve('index.html')).toEqual(configWith({ maxAge: 999n }));
  });

  it('defaults allow_raw_access to true and lets a rule set it (allow_raw_access_flag)', () => {
    expect(siteResolver({}).resolve('index.html').allowRawAccess).toBe(true);
    const resolver = siteResolver({ '': '[{ "match": "*", "allow_raw_access": false }]' });
    expect(resolver.resolve('index.html').allowRawAccess).toBe(false);
  });

  it('gives the default config to a path no rule matches (invalid_asset_path)', () => {
    expect(siteResolver({}).resolve('doesnt.exists')).toEqual(DEFAULT);
  });

  it('applies each field of every matching rule whatever the rule order (the_order_does_not_matter)', () => {
    const specific = `{"match": "**/deep/**/*", "allow_raw_access": false, "cache": {"max_age": 22},
                       "enable_aliasing": true, "ignore": true}`;
    const general = '{"match": "**/*", "headers": {"X-Frame-Options": "DENY"}}';
    for (const rules of [`[${specific}, ${general}]`, `[${general}, ${specific}]`]) {
      const config = siteResolver({ '': rules }).resolve('nested/deep/the-next-thing.toml');
      expect(config).toMatchObject({
        allowRawAccess: false,
        enableAliasing: true,
        ignore: true,
        maxAge: 22n,
        headers: [['X-Frame-Options', 'DENY']],
      });
    }
  });
});

describe('createAssetConfigResolver field semantics', () => {
  it('drops inherited headers on headers: null, and later rules add again', () => {
    const resolver = makeResolver({
      '': '[{ match: "**/*", headers: { A: "1", B: "2" } }]',
      sub: '[{ match: "*", headers: null }, { match: "*.css", headers: { C: "3" } }]',
    });
    expect(resolver.resolve('a.js').headers).toEqual([
      ['A', '1'],
      ['B', '2'],
    ]);
    expect(resolver.resolve('sub/a.js').headers).toBeUndefined();
    expect(resolver.resolve('sub/a.css').headers).toEqual([['C', '3']]);
  });

  it('stores an empty header list for headers: {}, unlike no headers at all', () => {
    const resolver = makeResolver({ '': '[{ match: "*.js", headers: {} }]' });
    expect(resolver.resolve('a.js').headers).toEqual([]);
    expect(resolver.resolve('a.css').headers).toBeUndefined();
  });

  it('stores a null header value as an empty value rather than removing the header', () => {
    const resolver = makeResolver({
      '': '[{ match: "*", headers: { A: "1" } }, { match: "*", headers: { A: null } }]',
    });
    expect(resolver.resolve('x').headers).toEqual([['A', '']]);
  });

  it('keeps headers whose names differ only in case as separate entries', () => {
    const resolver = makeResolver({
      '': '[{ match: "*", headers: { "X-A": "1" } }, { match: "*", headers: { "x-a": "2" } }]',
    });
    expect(resolver.resolve('x').headers).toEqual([
      ['X-A', '1'],
      ['x-a', '2'],
    ]);
  });

  it('replaces the whole cache setting, so cache: {} clears an inherited max_age', () => {
    const resolver = makeResolver({
      '': '[{ match: "**/*", cache: { max_age: 60 } }]',
      sub: '[{ match: "*", cache: {} }, { match: "*.js", cache: null }]',
    });
    expect(resolver.resolve('a.js').maxAge).toBe(60n);
    expect(resolver.resolve('sub/a.js').maxAge).toBeUndefined();
  });

  it('ignores configs in sibling directories', () => {
    const resolver = makeResolver({ css: '[{ match: "**/*", cache: { max_age: 1 } }]' });
    expect(resolver.resolve('js/app.js').maxAge).toBeUndefined();
    expect(resolver.resolve('css/site.css').maxAge).toBe(1n);
  });

  it('matches globs against the full path, so a directory glob does not match files in it', () => {
    const resolver = makeResolver({ '': '[{ match: "nested", cache: { max_age: 1 } }]' });
    expect(resolver.resolve('nested').maxAge).toBe(1n);
    expect(resolver.resolve('nested/file').maxAge).toBeUndefined();
  });

  it('never matches ./ or ../ globs, which stay literal after the directory is joined', () => {
    const resolver = makeResolver({
      '': '[{ match: "./*", cache: { max_age: 1 } }]',
      sub: '[{ match: "../*", cache: { max_age: 2 } }]',
    });
    expect(resolver.resolve('a.js').maxAge).toBeUndefined();
    expect(resolver.resolve('sub/a.js').maxAge).toBeUndefined();
  });

  it('matches a glob that starts with / against the absolute path, as Path::join does', () => {
    const resolver = makeResolver({
      '': `[{ match: "/**/*.txt", cache: { max_age: 1 } },
            { match: "${ROOT}/js/*", cache: { max_age: 2 } },
            { match: "/index.html", cache: { max_age: 3 } }]`,
    });
    expect(resolver.resolve('nested/the-thing.txt').maxAge).toBe(1n);
    expect(resolver.resolve('js/app.js').maxAge).toBe(2n);
    expect(resolver.resolve('index.html').maxAge).toBeUndefined();
  });

  it('treats glob characters in directory names literally', () => {
    const resolver = makeResolver(
      { 'blog/[slug]': '[{ match: "*", cache: { max_age: 5 } }]' },
      '/srv/{site}',
    );
    expect(resolver.resolve('blog/[slug]/page.js').maxAge).toBe(5n);
  });

  it('ignores empty and . segments in paths', () => {
    const resolver = makeResolver({ a: '[{ match: "*", cache: { max_age: 5 } }]' });
    expect(resolver.resolve('/a//./b.js').maxAge).toBe(5n);
  });

  it('returns frozen configs', () => {
    const config = makeResolver({ '': '[{ match: "*", headers: { A: "1" } }]' }).resolve('x');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.headers)).toBe(true);
  });
});

describe('createAssetConfigResolver security policy', () => {
  it('adds the seven standard headers, sorted, and warns about the standard policy', () => {
    const config = makeResolver({ '': '[{ match: "**/*", security_policy: "standard" }]' }).resolve(
      'index.html',
    );
    expect(config.headers?.map(([name]) => name)).toEqual([
      'Content-Security-Policy',
      'Permissions-Policy',
      'Referrer-Policy',
      'Strict-Transport-Security',
      'X-Content-Type-Options',
      'X-Frame-Options',
      'X-XSS-Protection',
    ]);
    expect(config.warnings).toEqual(['standard-security-policy']);
  });

  it('lets a custom header win over a policy header of the same name in any case', () => {
    const config = makeResolver({
      '': `[{ match: "**/*", security_policy: "hardened",
              headers: { "x-frame-options": "SAMEORIGIN", "Content-Security-Policy": "default-src 'none'" } }]`,
    }).resolve('index.html');
    const headers = new Map(config.headers);
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(headers.has('X-Frame-Options')).toBe(false);
    expect(headers.get('Content-Security-Policy')).toBe("default-src 'none'");
    expect(headers.get('Referrer-Policy')).toBe('same-origin');
    expect(config.warnings).toEqual([]);
  });

  it('adds nothing for disabled, yet stores an empty header list', () => {
    const config = makeResolver({ '': '[{ match: "*", security_policy: "disabled" }]' }).resolve(
      'x',
    );
    expect(config.headers).toEqual([]);
    expect(config.warnings).toEqual([]);
  });

  it('warns about a hardened policy without custom headers, even with warnings disabled', () => {
    const config = makeResolver({
      '': '[{ match: "*", security_policy: "hardened", disable_security_policy_warning: true }]',
    }).resolve('x');
    expect(config.warnings).toEqual(['hardened-without-headers']);
  });

  it('silences the missing and standard policy warnings with disable_security_policy_warning', () => {
    const resolver = makeResolver({
      '': `[{ match: "*", disable_security_policy_warning: true },
            { match: "*.html", security_policy: "standard" }]`,
    });
    expect(resolver.resolve('a.js').warnings).toEqual([]);
    expect(resolver.resolve('a.html').warnings).toEqual([]);
  });

  it('uses the header values of dfx', () => {
    // Golden values from dfinity/sdk src/canisters/frontend/ic-asset/src/security_policy.rs
    // (@0f64459, 2026-06-23), so that a site deployed by dfx or by us serves the same headers.
    expect(Object.fromEntries(SECURITY_POLICY_HEADERS)).toEqual({
      'Content-Security-Policy':
        "default-src 'self';script-src 'self';connect-src 'self' http://localhost:* https://icp0.io https://*.icp0.io https://icp-api.io;img-src 'self' data:;style-src * 'unsafe-inline';style-src-elem * 'unsafe-inline';font-src *;object-src 'none';base-uri 'self';frame-ancestors 'none';form-action 'self';upgrade-insecure-requests;",
      'Permissions-Policy':
        'accelerometer=(), ambient-light-sensor=(), autoplay=(), battery=(), camera=(), cross-origin-isolated=(), display-capture=(), document-domain=(), encrypted-media=(), execution-while-not-rendered=(), execution-while-out-of-viewport=(), fullscreen=(), geolocation=(), gyroscope=(), keyboard-map=(), magnetometer=(), microphone=(), midi=(), navigation-override=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), sync-xhr=(), usb=(), web-share=(), xr-spatial-tracking=(), clipboard-read=(), clipboard-write=(), gamepad=(), speaker-selection=(), conversion-measurement=(), focus-without-user-activation=(), hid=(), idle-detection=(), interest-cohort=(), serial=(), sync-script=(), trust-token-redemption=(), window-placement=(), vertical-scroll=()',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'X-Content-Type-Options': 'nosniff',
      'X-XSS-Protection': '1; mode=block',
    });
  });
});

// The tree of ic-asset's sync.rs tests; `.ic-assets.json` files are listed because the walk
// sees them too.
const DOT_TREE = [
  '.ic-assets.json',
  '.hfile',
  'file',
  '.hidden-dir/.ic-assets.json',
  '.hidden-dir/.hfile',
  '.hidden-dir/file',
  '.hidden-dir/.hidden-dir-nested/.ic-assets.json',
  '.hidden-dir/.hidden-dir-nested/.hfile',
  '.hidden-dir/.hidden-dir-nested/file',
  '.hidden-dir-flat/.ic-assets.json',
  '.hidden-dir-flat/.hfile',
  '.hidden-dir-flat/file',
];

/** The files ic-asset would upload from the tree, with their configs. */
function gather(configs: Record<string, string>, extraFiles: string[] = []) {
  const resolver = makeResolver({
    '': '[]',
    '.hidden-dir': '[]',
    '.hidden-dir/.hidden-dir-nested': '[]',
    '.hidden-dir-flat': '[]',
    ...configs,
  });
  return [...DOT_TREE, ...extraFiles].filter((file) => resolver.isIncluded(file)).sort();
}

describe('AssetConfigResolver.isIncluded, as ic-asset’s sync.rs tests', () => {
  it('includes dot-files in dot-directories when .* is not ignored (gather_all_files)', () => {
    expect(gather({ '': '[{"match": ".*", "ignore": false}]' })).toEqual(
      [
        '.hfile',
        'file',
        '.hidden-dir/.hfile',
        '.hidden-dir/file',
        '.hidden-dir/.hidden-dir-nested/.hfile',
        '.hidden-dir/.hidden-dir-nested/file',
        '.hidden-dir-flat/.hfile',
        '.hidden-dir-flat/file',
      ].sort(),
    );
  });

  it.each([
    '[{"match": ".*", "ignore": true}]',
    '[{"match": ".*"}]',
    '[{"match": "*"}]',
    '[{"match": "**/*"}]',
  ])(
    'skips dot-files and dot-directories by default (gather_all_nondot_files_from_nondot_dirs, %s)',
    (config) => {
      expect(gather({ '': config })).toEqual(['file']);
    },
  );

  it('cannot include a dot-directory from its own config (failed_to_include_hidden_dir)', () => {
    const globs = [
      '.',
      '?',
      '*',
      '**',
      '.?',
      '.*',
      '.**',
      './*',
      './**',
      './**/*',
      './**/**',
      '../*',
      '../.*',
      '../.**',
      '../.**/*',
      '.hfile',
      'file',
    ];
    const rules = globs.map((glob) => `{"match": ${JSON.stringify(glob)}, "ignore": false}`);
    expect(gather({ '.hidden-dir': `[${rules.join(',')}, {"match": "file"}]` })).toEqual(['file']);
  });

  it('includes dot-directories level by level, merging headers (configuring_dotfiles_step_by_step)', () => {
    const configs = {
      '': '[{"match": ".hidden-dir", "ignore": false}]',
      '.hidden-dir': `[
        {"match": ".hidden-dir-nested", "ignore": false},
        {"match": ".*", "ignore": false, "headers": {"A": "z"}},
        {"match": ".hfile", "headers": {"B": "y"}}
      ]`,
      '.hidden-dir/.hidden-dir-nested': `[
        {"match": "*", "ignore": false, "headers": {"C": "x"}},
        {"match": ".hfile", "headers": {"D": "w"}}
      ]`,
    };
    expect(gather(configs)).toEqual(
      [
        'file',
        '.hidden-dir/.hfile',
        '.hidden-dir/file',
        '.hidden-dir/.hidden-dir-nested/file',
        '.hidden-dir/.hidden-dir-nested/.hfile',
      ].sort(),
    );
    const resolver = makeResolver(configs);
    const headers = (path: string) => resolver.resolve(path).headers;
    expect(headers('.hidden-dir/.hfile')).toEqual([
      ['A', 'z'],
      ['B', 'y'],
    ]);
    expect(headers('.hidden-dir/file')).toBeUndefined();
    expect(headers('.hidden-dir/.hidden-dir-nested/file')).toEqual([
      ['A', 'z'],
      ['C', 'x'],
    ]);
    expect(headers('.hidden-dir/.hidden-dir-nested/.hfile')).toEqual([
      ['A', 'z'],
      ['C', 'x'],
      ['D', 'w'],
    ]);
  });

  it('includes one dot-file deep inside dot-directories (include_only_a_specific_dotfile)', () => {
    expect(
      gather({
        '': '[{"match": ".hidden-dir", "ignore": false}, {"match": "file", "ignore": true}]',
        '.hidden-dir':
          '[{"match": "file", "ignore": true}, {"match": ".hidden-dir-nested", "ignore": false}]',
        '.hidden-dir/.hidden-dir-nested':
          '[{"match": "file", "ignore": true}, {"match": ".hfile", "ignore": false, "headers": {"D": "w"}}]',
      }),
    ).toEqual(['.hidden-dir/.hidden-dir-nested/.hfile']);
  });

  it('excludes one file while including all dot-files (include_all_files_except_one)', () => {
    expect(
      gather({
        '': '[{"match": ".*", "ignore": false}]',
        '.hidden-dir': '[{"match": "file", "ignore": true}]',
      }),
    ).toEqual(
      [
        'file',
        '.hfile',
        '.hidden-dir-flat/file',
        '.hidden-dir-flat/.hfile',
        '.hidden-dir/.hfile',
        '.hidden-dir/.hidden-dir-nested/file',
        '.hidden-dir/.hidden-dir-nested/.hfile',
      ].sort(),
    );
  });

  it('lets a deeper config re-include an ignored file (possible_to_reinclude_previously_ignored_file)', () => {
    expect(
      gather({
        '': '[{"match": ".hidden-dir-flat", "ignore": false}, {"match": ".hidden-dir-flat/file", "ignore": true}]',
        '.hidden-dir-flat': '[{"match": "*", "ignore": false}, {"match": "file", "ignore": false}]',
      }),
    ).toEqual(['.hidden-dir-flat/.hfile', '.hidden-dir-flat/file', 'file']);
  });

  it('cannot re-include a file of an ignored directory (impossible_to_reinclude_file_from_already_ignored_directory)', () => {
    expect(
      gather(
        {
          '': '[{"match": "anotherdir", "ignore": true}]',
          anotherdir: '[{"match": "file", "ignore": false}]',
        },
        ['dir/file', 'anotherdir/file'],
      ),
    ).toEqual(['dir/file', 'file']);
  });

  it('keeps .well-known by default (known_directories_included_by_default)', () => {
    expect(gather({}, ['.well-known/ic-domains'])).toEqual(['.well-known/ic-domains', 'file']);
  });

  it('lets a rule ignore .well-known (known_directories_can_be_ignored)', () => {
    expect(
      gather({ '': '[{"match": ".well-known", "ignore": true}]' }, ['.well-known/ic-domains']),
    ).toEqual(['file']);
  });

  it('keeps .well-known only as a directory, and its dot-files stay hidden', () => {
    const resolver = makeResolver({});
    expect(resolver.isIncluded('.well-known')).toBe(false);
    expect(resolver.isIncluded('.well-known', { directory: true })).toBe(true);
    expect(resolver.isIncluded('.well-known/.secret')).toBe(false);
  });

  it('combines includes, headers and caches across configs (bonanza)', () => {
    const configs = {
      '': `[
        {"match": "*", "cache": { "max_age": 11 }, "headers": { "X-Content-Type-Options": "nosniff" } },
        {"match": "**/.hfile", "ignore": false, "headers": { "X-Content-Type-Options": "*" }},
        {"match": ".hidden-dir-flat", "ignore": false },
        {"match": ".hidden-dir", "ignore": false }
      ]`,
      dir: '[{"match": "file", "headers": { "Access-Control-Allow-Origin": "null" }}]',
      anotherdir: '[{"match": "file", "cache": { "max_age": 42 }, "headers": null }]',
      '.hidden-dir-flat': `[
        {"match": "*", "ignore": false, "headers": {"Cross-Origin-Resource-Policy": "same-origin"}},
        {"match": ".hfile", "ignore": true}
      ]`,
    };
    const files = gather(configs, ['dir/file', 'anotherdir/file']);
    const resolver = makeResolver(configs);
    expect(
      Object.fromEntries(
        files.map((file) => {
          const { maxAge, headers } = resolver.resolve(file);
          return [file, { maxAge, headers }];
        }),
      ),
    ).toEqual({
      '.hfile': { maxAge: 11n, headers: [['X-Content-Type-Options', '*']] },
      '.hidden-dir/.hfile': { maxAge: 11n, headers: [['X-Content-Type-Options', '*']] },
      '.hidden-dir/file': { maxAge: 11n, headers: [['X-Content-Type-Options', 'nosniff']] },
      '.hidden-dir-flat/file': {
        maxAge: 11n,
        headers: [
          ['Cross-Origin-Resource-Policy', 'same-origin'],
          ['X-Content-Type-Options', 'nosniff'],
        ],
      },
      'anotherdir/file': { maxAge: 42n, headers: undefined },
      'dir/file': {
        maxAge: 11n,
        headers: [
          ['Access-Control-Allow-Origin', 'null'],
          ['X-Content-Type-Options', 'nosniff'],
        ],
      },
      file: { maxAge: 11n, headers: [['X-Content-Type-Options', 'nosniff']] },
    });
  });

  it('never uploads .ic-assets.json, but uploads an included .ic-assets.json5', () => {
    const resolver = makeResolver({ '': '[{ match: ".*", ignore: false }]' });
    expect(resolver.isIncluded('.ic-assets.json')).toBe(false);
    expect(resolver.isIncluded('.ic-assets.json5')).toBe(true);
    expect(makeResolver({}).isIncluded('.ic-assets.json5')).toBe(false);
  });
});

describe('AssetConfigResolver.unusedRules', () => {
  it('lists the rules no resolved path has matched, with their file and index', () => {
    const resolver = makeResolver({
      '': '[{ match: "*.html" }, { match: "*.wasm" }]',
      sub: '[{ match: "*" }]',
    });
    resolver.resolve('index.html');
    expect(
      resolver.unusedRules().map(({ file, index, rule }) => [file, index, rule.match]),
    ).toEqual([
      ['/.ic-assets.json5', 1, '*.wasm'],
      ['sub/.ic-assets.json5', 0, '*'],
    ]);
  });

  it('counts the directory checks of isIncluded as uses, as the walk does', () => {
    const resolver = makeResolver({ '': '[{ match: "sub", ignore: false }]' });
    resolver.isIncluded('sub/a.js');
    expect(resolver.unusedRules()).toEqual([]);
  });
});

describe('defaultEncodings', () => {
  it.each([
    ['text/html', ['identity', 'gzip']],
    ['text/css; charset=utf-8', ['identity', 'gzip']],
    ['TEXT/PLAIN', ['identity', 'gzip']],
    ['application/javascript', ['identity', 'gzip']],
    ['text/javascript', ['identity', 'gzip']],
    ['application/x-javascript', ['identity']],
    ['application/json', ['identity']],
    ['image/svg+xml', ['identity']],
    ['application/xhtml+xml', ['identity']],
    ['image/png', ['identity']],
    ['application/wasm', ['identity']],
  ])('%s gets %j', (contentType, encodings) => {
    expect(defaultEncodings(contentType)).toEqual(encodings);
  });
});
