import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { stripVTControlCharacters } from 'node:util';
import { CliErrorCode, createCliError, systemErrorCode } from '../errors.js';
import type { FrontendBuild, FrontendPlan } from './detect-frontend.js';
import { displayDir, statOrUndefined } from './detect-frontend.js';
import {
  STATIC_EXPORT_LIMITS,
  explainStaticExportFailure,
  staticExportWarnings,
} from './explain-build-output.js';
import { EXPORT_DIR_LINE } from './next-adapter.js';

/** Lines of the build's output kept for the error when it fails. */
export const OUTPUT_TAIL_LINES = 200;
/** How long a build has to exit after SIGTERM (on abort) before SIGKILL. */
const KILL_GRACE_MS = 5_000;

export interface BuildFrontendOptions {
  /** Receives each line the build prints (standard output and error), without colours. */
  readonly onOutput?: (line: string) => void;
  /**
   * Aborting stops the build (SIGTERM, SIGKILL 5 s later) and rejects with `signal.reason`
   * once it has exited.
   */
  readonly signal?: AbortSignal;
}

export interface FrontendBuildResult {
  /** Absolute directory to upload: the plan's, or where Next.js says it exported to. */
  readonly outputDir: string;
  /** What the build left out (Next.js middleware, rewrites, …), for the user. */
  readonly warnings: readonly string[];
  /** Wall time of the build; 0 when the plan has none. */
  readonly durationMs: number;
}

interface Tool {
  readonly packageName: string;
  readonly displayName: string;
  /** Binary inside the package when its package.json names none. */
  readonly fallbackBin: string;
}

const TOOLS: Readonly<Record<FrontendBuild['command'], Tool>> = {
  next: { packageName: 'next', displayName: 'Next.js', fallbackBin: 'dist/bin/next' },
  vite: { packageName: 'vite', displayName: 'Vite', fallbackBin: 'bin/vite.js' },
};

/**
 * Runs the plan's build with the framework installed in the project (its own node_modules),
 * then checks that the output folder holds an index.html. A plan without a build returns at
 * once.
 * @throws CLI_FRONTEND_TOOL_MISSING (not installed: run npm install), CLI_NOT_BUILT (the
 *   Next.js adapter is not compiled), CLI_FRONTEND_EXPORT_UNSUPPORTED (the Next.js app
 *   uses a server feature), CLI_FRONTEND_BUILD_FAILED (with the last lines of output),
 *   CLI_FRONTEND_OUTPUT_MISSING; `signal.reason` when aborted.
 * @example
 * const plan = await detectFrontend(root);
 * const { outputDir } = await buildFrontend(plan, { onOutput: (line) => console.log(line) });
 */
export async function buildFrontend(
  plan: FrontendPlan,
  options: BuildFrontendOptions = {},
): Promise<FrontendBuildResult> {
  const { build } = plan;
  if (build === undefined) {
    return { outputDir: plan.outputDir, warnings: [], durationMs: 0 };
  }
  options.signal?.throwIfAborted();
  const tool = TOOLS[build.command];
  const { bin, version } = await resolveTool(plan.root, tool);
  const adapter = build.env['NEXT_ADAPTER_PATH'];
  if (adapter !== undefined && !existsSync(adapter)) {
    throw createCliError(
      CliErrorCode.NOT_BUILT,
      `citadel's Next.js adapter (${adapter}) is missing; run \`npm run build\` in the citadel repository.`,
      { path: adapter },
    );
  }

  // Read while streaming: a large app's route table pushes early lines out of the tail.
  let exportDir: string | undefined;
  const warnings = new Set<string>();
  const onLine = (line: string): void => {
    if (build.command === 'next') {
      if (line.startsWith(EXPORT_DIR_LINE)) {
        exportDir = line.slice(EXPORT_DIR_LINE.length).trim();
      }
      for (const warning of staticExportWarnings([line])) {
        warnings.add(warning);
      }
    }
    options.onOutput?.(line);
  };

  const started = performance.now();
  const run = await runBuild(plan.root, bin, build, onLine, options.signal);
  const durationMs = performance.now() - started;
  const commandLine = `${build.command} ${build.args.join(' ')}`;
  if (run.exit !== 0) {
    throw buildFailure(plan, commandLine, run);
  }

  const outputDir = exportDir === undefined ? plan.outputDir : resolve(plan.root, exportDir);
  await checkOutput(plan, outputDir, commandLine, {
    tool,
    version,
    exportAnnounced: exportDir !== undefined,
  });
  return { outputDir, warnings: [...warnings], durationMs };
}

/** The tool's binary and version, resolved from the project root as Node.js would. */
async function resolveTool(root: string, tool: Tool): Promise<{ bin: string; version: string }> {
  const require = createRequire(join(root, 'package.json'));
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${tool.packageName}/package.json`);
  } catch (error) {
    throw createCliError(
      CliErrorCode.FRONTEND_TOOL_MISSING,
      `${root} is a ${tool.displayName} app, but ${tool.packageName} is not installed there. ` +
        "Run `npm install` (or your package manager's install) in the project, then deploy again.",
      { root, package: tool.packageName },
      { cause: error },
    );
  }
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
    version?: unknown;
    bin?: unknown;
  };
  const named =
    typeof manifest.bin === 'string'
      ? manifest.bin
      : typeof manifest.bin === 'object' && manifest.bin !== null
        ? (manifest.bin as Record<string, unknown>)[tool.packageName]
        : undefined;
  const bin = join(dirname(manifestPath), typeof named === 'string' ? named : tool.fallbackBin);
  if (!existsSync(bin)) {
    throw createCliError(
      CliErrorCode.FRONTEND_TOOL_MISSING,
      `${tool.packageName} in ${dirname(manifestPath)} has no ${bin}; reinstall it ` +
        '(`npm install`), then deploy again.',
      { root, package: tool.packageName, bin },
    );
  }
  return { bin, version: typeof manifest.version === 'string' ? manifest.version : 'unknown' };
}

interface BuildRun {
  /** Exit code, or the signal that ended the build. */
  readonly exit: number | NodeJS.Signals;
  /** The last {@link OUTPUT_TAIL_LINES} lines of output. */
  readonly tail: readonly string[];
}

function runBuild(
  root: string,
  bin: string,
  build: FrontendBuild,
  onLine: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<BuildRun> {
  return new Promise((resolvePromise, reject) => {
    const tail: string[] = [];
    const emit = (raw: string): void => {
      const line = stripVTControlCharacters(raw);
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) {
        tail.shift();
      }
      onLine(line);
    };
    const child = spawn(process.execPath, [bin, ...build.args], {
      cwd: root,
      env: { ...process.env, ...build.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const flushers = [child.stdout, child.stderr].map((stream) => splitLines(stream, emit));

    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
    };

    child.once('error', (error) => {
      settle();
      reject(
        createCliError(
          CliErrorCode.FRONTEND_BUILD_FAILED,
          `${build.command} ${build.args.join(' ')} could not be started: ${error.message}`,
          { root, systemCode: systemErrorCode(error) ?? null, outputTail: tail },
          { cause: error },
        ),
      );
    });
    child.once('close', (code, killedBy) => {
      settle();
      for (const flush of flushers) {
        flush();
      }
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      resolvePromise({ exit: code ?? killedBy ?? 1, tail });
    });
  });
}

/** Calls `emit` for each line of `stream`; the returned function emits an unfinished last line. */
function splitLines(stream: NodeJS.ReadableStream, emit: (line: string) => void): () => void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (pending + decoder.write(chunk)).split(/\r\n|\n|\r/);
    pending = lines.pop() ?? '';
    for (const line of lines) {
      emit(line);
    }
  });
  return () => {
    const rest = pending + decoder.end();
    pending = '';
    if (rest !== '') {
      emit(rest);
    }
  };
}

function formatTail(tail: readonly string[]): string {
  const lines = [...tail];
  while (lines.length > 0 && lines[0]?.trim() === '') {
    lines.shift();
  }
  return lines.length === 0
    ? ' It printed nothing.'
    : `\n${lines.map((line) => `  | ${line}`).join('\n')}`;
}

function buildFailure(plan: FrontendPlan, commandLine: string, run: BuildRun): Error {
  const outputTail = [...run.tail];
  if (plan.build?.command === 'next') {
    const failure = explainStaticExportFailure(run.tail);
    if (failure !== undefined) {
      return createCliError(
        CliErrorCode.FRONTEND_EXPORT_UNSUPPORTED,
        `The Next.js app in ${plan.root} cannot be exported as static files, which is how ` +
          `Citadel hosts it. ${failure.explanation}\n` +
          (failure.feature === 'standalone-output' ? '' : `  Next.js: ${failure.line}\n`) +
          `${STATIC_EXPORT_LIMITS} See docs/frontends.md.`,
        {
          root: plan.root,
          feature: failure.feature,
          route: failure.route ?? null,
          nextMessage: failure.line,
          outputTail,
        },
      );
    }
  }
  const how = typeof run.exit === 'number' ? `exit code ${run.exit}` : `killed by ${run.exit}`;
  return createCliError(
    CliErrorCode.FRONTEND_BUILD_FAILED,
    `${commandLine} failed in ${plan.root} (${how}). Last lines of its output:${formatTail(run.tail)}`,
    { root: plan.root, command: commandLine, exit: run.exit, outputTail },
  );
}

interface OutputContext {
  readonly tool: Tool;
  readonly version: string;
  /** Next.js: the adapter printed where it exports to. */
  readonly exportAnnounced: boolean;
}

async function checkOutput(
  plan: FrontendPlan,
  outputDir: string,
  commandLine: string,
  context: OutputContext,
): Promise<void> {
  const shown = displayDir(plan.root, outputDir);
  const isDir = (await statOrUndefined(outputDir))?.isDirectory() === true;
  const hasIndex =
    isDir && (await statOrUndefined(join(outputDir, 'index.html')))?.isFile() === true;
  if (hasIndex) {
    return;
  }
  const missing = isDir ? `${shown} has no index.html` : `there is no ${shown}`;
  let why: string;
  if (plan.build?.command === 'next') {
    why = context.exportAnnounced
      ? 'The app has no page at / to export: add app/page.tsx (or pages/index.tsx).'
      : `Next.js ${context.version} did not apply citadel's static-export adapter: adapters ` +
        "need Next.js 16 or later, and an adapterPath in next.config takes precedence. Add output: 'export' " +
        'and images: { unoptimized: true } to next.config, or upgrade Next.js.';
  } else {
    why =
      'A Vite app deploys the folder `vite build` writes, with its index.html; if vite.config ' +
      'sets build.outDir (or root) in a way citadel does not read, deploy that folder by ' +
      'name: citadel deploy ./that-folder';
  }
  throw createCliError(
    CliErrorCode.FRONTEND_OUTPUT_MISSING,
    `${commandLine} succeeded, but ${missing}. ${why}`,
    { root: plan.root, outputDir, tool: context.tool.packageName, version: context.version },
  );
}
