import { relative, resolve } from 'node:path';
import type { CliContext } from '../cli-context.js';
import { type DeployReport, deployProject } from '../deploy/deploy-project.js';
import type { DeployNetwork } from '../deploy/deploy-target.js';
import { loadCommandIdentity } from '../identity/index.js';
import { findProjectRoot } from '../network/data-dir.js';
import { loadProjectConfig } from '../project/project-config.js';

/** Flags of `citadel deploy`. */
export interface DeployFlags {
  /** A folder to deploy as it is, as given. */
  readonly dir: string | undefined;
  readonly network: DeployNetwork;
  readonly identity: string | undefined;
  readonly skipBuild: boolean;
  readonly json: boolean;
  readonly yes: boolean;
  readonly preview: boolean;
}

function jsonReport(report: DeployReport): Record<string, unknown> {
  return {
    preview: report.preview,
    network: report.network,
    apiUrl: report.apiUrl,
    identity: report.identity,
    durationMs: Math.round(report.durationMs),
    backends: report.backends.map((backend) => ({
      name: backend.name,
      canisterId: backend.canisterId,
      canisterCreated: backend.created,
      code: backend.code,
      built: backend.built,
      candid: backend.candidPath,
      bindings: backend.bindingsDir,
      wasmGzBytes: backend.wasmGzBytes,
    })),
    frontends: report.frontends.map((frontend) => ({
      name: frontend.name,
      canisterId: frontend.canisterId,
      url: frontend.url,
      kind: frontend.kind,
      outputDir: frontend.outputDir,
      canisterCreated: frontend.created,
      code: frontend.code,
      files: frontend.sync.files,
      created: frontend.sync.created,
      updated: frontend.sync.updated,
      unchanged: frontend.sync.unchanged,
      removed: frontend.sync.removed,
      uploadedEncodings: frontend.sync.uploadedEncodings,
      uploadedBytes: frontend.sync.uploadedBytes,
      committed: frontend.sync.committed,
      buildMs: Math.round(frontend.buildMs),
      uploadMs: Math.round(frontend.sync.uploadMs),
    })),
  };
}

/**
 * `citadel deploy [dir]`: everything from sources to a certified URL. Progress and steps go
 * to standard error; standard output carries the URLs (or, with `--json`, the report).
 */
export async function runDeployCommand(flags: DeployFlags, context: CliContext): Promise<number> {
  const projectRoot = findProjectRoot(context.cwd);
  const project = await loadProjectConfig(projectRoot);
  const identity = await loadCommandIdentity(context, flags.identity);
  const report = await deployProject(
    {
      projectRoot,
      project,
      network: flags.network,
      identity,
      // A folder named on the command line is relative to where the user is.
      dir: flags.dir === undefined ? undefined : resolve(context.cwd, flags.dir),
      skipBuild: flags.skipBuild,
      preview: flags.preview,
      yes: flags.yes,
    },
    context,
  );
  if (flags.json) {
    context.stdout(JSON.stringify(jsonReport(report), null, 2));
    return 0;
  }
  context.stdout(
    `${flags.preview ? 'Preview deployed' : 'Deployed'} to the ${report.network} network in ${(report.durationMs / 1000).toFixed(1)} s:`,
  );
  const width = Math.max(
    ...[...report.backends, ...report.frontends].map((canister) => canister.name.length),
  );
  for (const frontend of report.frontends) {
    context.stdout(`  ${frontend.name.padEnd(width)}  ${frontend.url}`);
  }
  for (const backend of report.backends) {
    context.stdout(
      `  ${backend.name.padEnd(width)}  canister ${backend.canisterId} (bindings: ${relative(context.cwd, backend.bindingsDir) || '.'})`,
    );
  }
  return 0;
}
