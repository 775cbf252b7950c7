import { SYSTEM_API, formatFuncType, sameFuncType } from './system-api-imports.js';
import type { FuncType, WasmModuleInfo } from './wasm-binary.js';

/**
 * The IC's module rules (interface spec canister-interface.md "WebAssembly module
 * requirements", ic-protocol.md §7.1), checked on the parsed structure before compiling.
 * Each failure is reported as a plain reason string; `prepareModule` wraps it into IC0505.
 */

/** Public methods by kind. */
export interface ModuleMethods {
  readonly update: ReadonlySet<string>;
  readonly query: ReadonlySet<string>;
  readonly compositeQuery: ReadonlySet<string>;
}

/** Which optional system entry points the module exports. */
export interface ModuleEntryPoints {
  readonly init: boolean;
  readonly preUpgrade: boolean;
  readonly postUpgrade: boolean;
  readonly inspectMessage: boolean;
  readonly heartbeat: boolean;
  readonly globalTimer: boolean;
  readonly onLowWasmMemory: boolean;
}

/** What validation learned about the canister interface of a module. */
export interface ModuleInterface {
  readonly methods: ModuleMethods;
  readonly entryPoints: ModuleEntryPoints;
  /** Content of `icp:public <name>` / `icp:private <name>` sections, keyed by the full section name. */
  readonly customSections: ReadonlyMap<string, Uint8Array>;
}

/** Limits the IC may enforce (canister-interface.md; LIMITS resource-limits.md). */
export const MODULE_LIMITS = {
  maxFunctions: 50_000,
  maxGlobals: 1_000,
  maxIcpCustomSections: 16,
  maxIcpCustomSectionBytes: 1024 * 1024,
  maxExportedMethods: 1_000,
  maxMethodNameBytes: 20_000,
  maxCodeSectionBytes: 10 * 1024 * 1024,
} as const;

/** Thrown by {@link validateModule} with a human-readable reason. */
export class InvalidModule extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidModule';
  }
}

const SYSTEM_ENTRY_POINTS: Readonly<Record<string, keyof ModuleEntryPoints>> = {
  canister_init: 'init',
  canister_pre_upgrade: 'preUpgrade',
  canister_post_upgrade: 'postUpgrade',
  canister_inspect_message: 'inspectMessage',
  canister_heartbeat: 'heartbeat',
  canister_global_timer: 'globalTimer',
  canister_on_low_wasm_memory: 'onLowWasmMemory',
};

const METHOD_PREFIXES = [
  ['canister_update ', 'update'],
  ['canister_query ', 'query'],
  ['canister_composite_query ', 'compositeQuery'],
] as const;

const NULLARY: FuncType = { params: [], results: [] };
const utf8 = new TextEncoder();

/** Checks the IC's module rules; throws {@link InvalidModule} on the first violation. */
export function validateModule(info: WasmModuleInfo): ModuleInterface {
  checkMemories(info);
  checkImports(info);
  checkLimits(info);
  checkMutableGlobals(info);
  const { methods, entryPoints } = checkExports(info);
  const customSections = checkCustomSections(info);
  return { methods, entryPoints, customSections };
}

function checkMemories(info: WasmModuleInfo): void {
  if (info.memories.length > 1) {
    throw new InvalidModule(
      `Wasm module declares ${info.memories.length} memories, but at most one is allowed.`,
    );
  }
  const memory = info.memories[0];
  if (memory?.memory64) {
    throw new InvalidModule(
      'Wasm64 (64-bit memory) modules are not supported by Citadel yet; build the canister for wasm32.',
    );
  }
  if (memory?.shared) {
    throw new InvalidModule('Wasm module declares a shared memory, which is not supported.');
  }
}

function checkImports(info: WasmModuleInfo): void {
  for (const imp of info.imports) {
    if (imp.kind !== 'func') {
      throw new InvalidModule(
        `Wasm module has an invalid import section. Module imports ${imp.kind} "${imp.name}" from "${imp.module}"; only ic0 functions may be imported.`,
      );
    }
    const known = imp.module === 'ic0' ? SYSTEM_API.get(imp.name) : undefined;
    if (known === undefined) {
      throw new InvalidModule(
        `Wasm module has an invalid import section. Module imports function "${imp.name}" from "${imp.module}" that is not exported by the runtime.`,
      );
    }
    const actual = info.types[imp.typeIndex ?? -1];
    if (actual === undefined) {
      throw new InvalidModule(`import "${imp.module}.${imp.name}" refers to a missing type`);
    }
    if (!sameFuncType(actual, known)) {
      throw new InvalidModule(
        `Wasm module has an invalid import section. Module imports function "${imp.name}" from "ic0" with signature ${formatFuncType(actual)}, but the runtime provides ${formatFuncType(known)}.`,
      );
    }
  }
}

function checkLimits(info: WasmModuleInfo): void {
  const definedFunctions = info.functionTypes.length - info.importedFunctionCount;
  if (definedFunctions > MODULE_LIMITS.maxFunctions) {
    throw new InvalidModule(
      `Wasm module defined ${definedFunctions} functions which exceeds the maximum number allowed ${MODULE_LIMITS.maxFunctions}.`,
    );
  }
  if (info.globals.length > MODULE_LIMITS.maxGlobals) {
    throw new InvalidModule(
      `Wasm module defined ${info.globals.length} globals which exceeds the maximum number allowed ${MODULE_LIMITS.maxGlobals}.`,
    );
  }
  if (info.codeSectionBytes > MODULE_LIMITS.maxCodeSectionBytes) {
    throw new InvalidModule(
      `Wasm module code section size of ${info.codeSectionBytes} bytes exceeds the maximum allowed size of ${MODULE_LIMITS.maxCodeSectionBytes}.`,
    );
  }
}

function checkMutableGlobals(info: WasmModuleInfo): void {
  // Snapshots hold globals as numbers/BigInts; v128 and reference globals cannot cross the JS API.
  info.globals.forEach((global, index) => {
    if (global.mutable && !['i32', 'i64', 'f32', 'f64'].includes(global.type)) {
      throw new InvalidModule(
        `mutable global ${index} of type ${global.type} is not supported by Citadel (only i32, i64, f32 and f64 can be persisted).`,
      );
    }
  });
}

function checkExports(info: WasmModuleInfo): {
  methods: ModuleMethods;
  entryPoints: ModuleEntryPoints;
} {
  const update = new Set<string>();
  const query = new Set<string>();
  const compositeQuery = new Set<string>();
  const sets = { update, query, compositeQuery };
  const entryPoints: Record<keyof ModuleEntryPoints, boolean> = {
    init: false,
    preUpgrade: false,
    postUpgrade: false,
    inspectMessage: false,
    heartbeat: false,
    globalTimer: false,
    onLowWasmMemory: false,
  };
  let methodNameBytes = 0;

  for (const exp of info.exports) {
    if (exp.kind !== 'func' || !exp.name.startsWith('canister_')) {
      continue;
    }
    const typeIndex = info.functionTypes[exp.index];
    const type = typeIndex === undefined ? undefined : info.types[typeIndex];
    if (type === undefined) {
      throw new InvalidModule(`export "${exp.name}" refers to a missing function`);
    }
    if (!sameFuncType(type, NULLARY)) {
      throw new InvalidModule(
        `Wasm module has an invalid export section. Exported function "${exp.name}" must have type () -> (), found ${formatFuncType(type)}.`,
      );
    }
    const system = SYSTEM_ENTRY_POINTS[exp.name];
    if (system !== undefined) {
      entryPoints[system] = true;
      continue;
    }
    const prefix = METHOD_PREFIXES.find(([p]) => exp.name.startsWith(p));
    if (prefix === undefined) {
      throw new InvalidModule(
        `Wasm module has an invalid export section. Exporting reserved function "${exp.name}" with "canister_" prefix is not allowed.`,
      );
    }
    const [p, kind] = prefix;
    const method = exp.name.slice(p.length);
    if (update.has(method) || query.has(method) || compositeQuery.has(method)) {
      throw new InvalidModule(
        `Wasm module has an invalid export section. Duplicate function "${method}" exported multiple times with different call types: update, query, or composite_query.`,
      );
    }
    sets[kind].add(method);
    methodNameBytes += utf8.encode(method).length;
  }

  const methodCount = update.size + query.size + compositeQuery.size;
  if (methodCount > MODULE_LIMITS.maxExportedMethods) {
    throw new InvalidModule(
      `Wasm module exports ${methodCount} methods which exceeds the maximum number allowed ${MODULE_LIMITS.maxExportedMethods}.`,
    );
  }
  if (methodNameBytes > MODULE_LIMITS.maxMethodNameBytes) {
    throw new InvalidModule(
      `Wasm module has method names totalling ${methodNameBytes} bytes which exceeds the maximum allowed ${MODULE_LIMITS.maxMethodNameBytes}.`,
    );
  }
  return { methods: sets, entryPoints };
}

function checkCustomSections(info: WasmModuleInfo): Map<string, Uint8Array> {
  const sections = new Map<string, Uint8Array>();
  let totalBytes = 0;
  for (const section of info.customSections) {
    if (!section.name.startsWith('icp:')) {
      continue;
    }
    const visibility = section.name.startsWith('icp:public ')
      ? 'public'
      : section.name.startsWith('icp:private ')
        ? 'private'
        : undefined;
    if (visibility === undefined) {
      throw new InvalidModule(
        `Invalid custom section: Custom section '${section.name}' has no public/private scope defined.`,
      );
    }
    const name = section.name.slice(`icp:${visibility} `.length);
    const other = visibility === 'public' ? `icp:private ${name}` : `icp:public ${name}`;
    if (sections.has(section.name) || sections.has(other)) {
      throw new InvalidModule(
        `Invalid custom section: Custom section named ${name} defined more than once.`,
      );
    }
    sections.set(section.name, section.content);
    totalBytes += utf8.encode(name).length + section.content.length;
  }
  if (sections.size > MODULE_LIMITS.maxIcpCustomSections) {
    throw new InvalidModule(
      `Invalid custom sections: Wasm module contains ${sections.size} custom sections which exceeds the maximum number allowed ${MODULE_LIMITS.maxIcpCustomSections}.`,
    );
  }
  if (totalBytes > MODULE_LIMITS.maxIcpCustomSectionBytes) {
    throw new InvalidModule(
      `Invalid custom sections: total size of the custom sections exceeds the maximum allowed: size ${totalBytes} bytes, allowed ${MODULE_LIMITS.maxIcpCustomSectionBytes} bytes`,
    );
  }
  return sections;
}
