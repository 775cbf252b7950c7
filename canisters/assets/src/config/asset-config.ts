/**
 * Effective asset configuration, as ic-asset computes it (asset/config.rs and sync.rs in
 * dfinity/sdk):
 *
 * - A file (or directory) in directory D is matched against the rules of every config file in
 *   D and in D's ancestors up to the asset root, outermost first; within a file, in order.
 *   Every matching rule is applied, so later and deeper rules win field by field.
 * - A rule's `match` is joined onto its config file's directory and matched against the
 *   entry's full path, so `*` in `a/.ic-assets.json5` also matches `a/b/c.js` (globset's
 *   `literal_separator` is off). A `match` that starts with `/` is absolute, as in Rust's
 *   `Path::join`.
 * - `headers` merge name by name; `headers: null` drops the inherited ones. `allow_raw_access`
 *   defaults to true. Unset `encodings` mean `defaultEncodings(contentType)`.
 */
import { escapeGlob, compileGlob, type GlobMatcher } from './glob.js';
import { securityPolicyHeaders } from './security-policy.js';
import type {
  AssetConfig,
  AssetConfigFile,
  AssetConfigRule,
  AssetConfigWarning,
  ContentEncoding,
  HeaderField,
  SecurityPolicy,
} from './types.js';

/** The one directory name that is kept although it starts with a dot (sync.rs, `KNOWN_DIRECTORIES`). */
const KNOWN_DOT_DIRECTORIES: ReadonlySet<string> = new Set(['.well-known']);

/** ic-asset never uploads a file with this name, whatever the rules say; `.ic-assets.json5` it does. */
const NEVER_UPLOADED = '.ic-assets.json';

export interface AssetConfigResolverOptions {
  /**
   * The asset root's absolute path. Rules are matched against `root + '/' + path`, so this
   * only matters for `match` globs that start with `/`.
   * @default '/'
   */
  readonly root?: string;
}

/** A rule that has matched nothing resolved so far; ic-asset warns about these. */
export interface UnusedAssetConfigRule {
  readonly dir: string;
  readonly file: string | undefined;
  /** Index of the rule in its file, from 0. */
  readonly index: number;
  readonly rule: AssetConfigRule;
}

/** Answers for paths relative to the asset root (`/`-separated, no `.` or `..` segments). */
export interface AssetConfigResolver {
  /** The asset root's absolute path. */
  readonly root: string;
  readonly files: readonly AssetConfigFile[];
  /** The effective configuration of the file or directory at `path`. */
  resolve(path: string): AssetConfig;
  /**
   * Whether ic-asset's directory walk keeps the entry at `path`: each ancestor directory and
   * the entry itself pass `ignore` (or, without it, are not dot-names, `.well-known`
   * directories excepted), and a file is not named `.ic-assets.json`. An ignored directory
   * hides everything under it, whatever deeper rules say. The walk itself (ic-asset's) does not
   * follow symbolic links and skips everything but regular files.
   */
  isIncluded(path: string, options?: { readonly directory?: boolean }): boolean;
  /** Rules no `resolve` or `isIncluded` call has matched yet. */
  unusedRules(): UnusedAssetConfigRule[];
}

interface CompiledRule {
  readonly rule: AssetConfigRule;
  readonly matcher: GlobMatcher;
  used: boolean;
}

/**
 * Builds a resolver over already parsed config files (see `parseAssetConfigRules`, or
 * `loadAssetConfig` to read them from disk).
 *
 * @example
 * const resolver = createAssetConfigResolver([
 *   { dir: '', rules: parseAssetConfigRules('[{ match: "*.js", cache: { max_age: 60 } }]') },
 * ]);
 * resolver.resolve('js/app.js').maxAge; // 60n
 */
export function createAssetConfigResolver(
  files: readonly AssetConfigFile[],
  options: AssetConfigResolverOptions = {},
): AssetConfigResolver {
  const root = options.root ?? '/';
  const byDir = new Map<string, CompiledRule[]>();
  const compiled: { file: AssetConfigFile; dir: string; rules: CompiledRule[] }[] = [];
  for (const file of files) {
    const dir = segmentsOf(file.dir).join('/');
    const prefix = escapeGlob(joinPath(root, dir));
    const rules = file.rules.map((rule) => ({
      rule,
      matcher: compileGlob(
        rule.match.startsWith('/')
          ? rule.match
          : `${prefix}${prefix.endsWith('/') ? '' : '/'}${rule.match}`,
      ),
      used: false,
    }));
    byDir.set(dir, [...(byDir.get(dir) ?? []), ...rules]);
    compiled.push({ file, dir, rules });
  }
  const cache = new Map<string, AssetConfig>();

  const resolve = (path: string): AssetConfig => {
    const segments = segmentsOf(path);
    const key = segments.join('/');
    const known = cache.get(key);
    if (known !== undefined) {
      return known;
    }
    const fullPath = joinPath(root, key);
    const state = new Accumulator();
    for (let depth = 0; depth < segments.length; depth++) {
      for (const entry of byDir.get(segments.slice(0, depth).join('/')) ?? []) {
        if (entry.matcher.isMatch(fullPath)) {
          entry.used = true;
          state.apply(entry.rule);
        }
      }
    }
    const config = state.result();
    cache.set(key, config);
    return config;
  };

  return {
    root,
    files,
    resolve,
    isIncluded(path, { directory = false } = {}) {
      const segments = segmentsOf(path);
      let included = true;
      // Every level is resolved, as the walk does, so `unusedRules` sees the same matches.
      for (let depth = 1; depth <= segments.length && included; depth++) {
        const name = segments[depth - 1] as string;
        const isDirectory = depth < segments.length || directory;
        const { ignore } = resolve(segments.slice(0, depth).join('/'));
        included =
          ignore !== undefined
            ? !ignore
            : (isDirectory && KNOWN_DOT_DIRECTORIES.has(name)) || !name.startsWith('.');
      }
      return included && (directory || segments[segments.length - 1] !== NEVER_UPLOADED);
    },
    unusedRules() {
      return compiled.flatMap(({ file, dir, rules }) =>
        rules.flatMap((entry, index) =>
          entry.used ? [] : [{ dir, file: file.file, index, rule: entry.rule }],
        ),
      );
    },
  };
}

/**
 * The encodings ic-asset uploads when no rule sets `encodings` (batch_upload/plumbing.rs,
 * `default_encoders`): identity and gzip for `text/*` and for any `…/javascript` or `…/html`
 * type, identity alone for everything else. gzip is kept only when it is smaller.
 */
export function defaultEncodings(contentType: string): readonly ContentEncoding[] {
  const [essence = ''] = contentType.split(';');
  const [type = '', fullSubtype = ''] = essence.trim().toLowerCase().split('/');
  // The mime crate's subtype() leaves out a structured-syntax suffix: image/svg+xml is "svg".
  const subtype = fullSubtype.split('+')[0];
  return type === 'text' || subtype === 'javascript' || subtype === 'html'
    ? IDENTITY_AND_GZIP
    : IDENTITY_ONLY;
}

const IDENTITY_AND_GZIP: readonly ContentEncoding[] = Object.freeze(['identity', 'gzip']);
const IDENTITY_ONLY: readonly ContentEncoding[] = Object.freeze(['identity']);

/** Folds matching rules the way ic-asset's `AssetConfig::merge` does. */
class Accumulator {
  private maxAge: bigint | undefined;
  private headers: Map<string, string> | undefined;
  private ignore: boolean | undefined;
  private enableAliasing: boolean | undefined;
  private allowRawAccess = true;
  private encodings: readonly ContentEncoding[] | undefined;
  private securityPolicy: SecurityPolicy | undefined;
  private disableSecurityPolicyWarning: boolean | undefined;

  apply(rule: AssetConfigRule): void {
    if (rule.cache !== undefined) {
      this.maxAge = rule.cache.maxAge;
    }
    if (rule.headers === null) {
      this.headers = undefined;
    } else if (rule.headers !== undefined) {
      this.headers = new Map([...(this.headers ?? []), ...rule.headers]);
    }
    this.ignore = rule.ignore ?? this.ignore;
    this.enableAliasing = rule.enableAliasing ?? this.enableAliasing;
    this.allowRawAccess = rule.allowRawAccess ?? this.allowRawAccess;
    this.encodings = rule.encodings ?? this.encodings;
    this.securityPolicy = rule.securityPolicy ?? this.securityPolicy;
    this.disableSecurityPolicyWarning =
      rule.disableSecurityPolicyWarning ?? this.disableSecurityPolicyWarning;
  }

  result(): AssetConfig {
    const warnings: AssetConfigWarning[] = [];
    const warningsDisabled = this.disableSecurityPolicyWarning === true;
    if (this.securityPolicy === undefined && !warningsDisabled) {
      warnings.push('no-security-policy');
    }
    if (this.securityPolicy === 'standard' && !warningsDisabled) {
      warnings.push('standard-security-policy');
    }
    if (this.securityPolicy === 'hardened' && (this.headers?.size ?? 0) === 0) {
      warnings.push('hardened-without-headers');
    }
    return Object.freeze({
      headers: combinedHeaders(this.headers, this.securityPolicy),
      maxAge: this.maxAge,
      ignore: this.ignore,
      enableAliasing: this.enableAliasing,
      allowRawAccess: this.allowRawAccess,
      encodings: this.encodings,
      securityPolicy: this.securityPolicy,
      disableSecurityPolicyWarning: this.disableSecurityPolicyWarning,
      warnings: Object.freeze(warnings),
    });
  }
}

/** ic-asset's `AssetConfig::combined_headers`, sorted like its `BTreeMap`. */
function combinedHeaders(
  custom: ReadonlyMap<string, string> | undefined,
  policy: SecurityPolicy | undefined,
): readonly HeaderField[] | undefined {
  if (custom === undefined && policy === undefined) {
    return undefined;
  }
  const headers = new Map(custom);
  if (policy !== undefined) {
    const taken = new Set([...headers.keys()].map((name) => name.toLowerCase()));
    for (const [name, value] of securityPolicyHeaders(policy)) {
      if (!taken.has(name.toLowerCase())) {
        headers.set(name, value);
      }
    }
  }
  return Object.freeze(
    [...headers].sort(([a], [b]) => compareUtf8(a, b)).map((field) => Object.freeze(field)),
  );
}

/** Orders strings by their UTF-8 bytes, as Rust's `String` does: code point by code point. */
function compareUtf8(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) {
      return x.done && y.done ? 0 : x.done ? -1 : 1;
    }
    const difference = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (difference !== 0) {
      return difference;
    }
  }
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '' && segment !== '.');
}

/** Rust's `Path::join` for a relative path without `.` segments. */
function joinPath(base: string, relative: string): string {
  if (relative === '') {
    return base;
  }
  return base.endsWith('/') ? `${base}${relative}` : `${base}/${relative}`;
}
