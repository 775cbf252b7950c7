import type { CandidArgument, CandidType, CandidTypeDefinition } from './ast.js';

/** The type a reference stands for, through any chain of aliases (the type itself otherwise). */
export function resolveCandidType(
  definitions: ReadonlyMap<string, CandidTypeDefinition>,
  type: CandidType,
): CandidType {
  let current = type;
  for (let hops = 0; current.kind === 'reference' && hops <= definitions.size; hops += 1) {
    const target = definitions.get(current.name);
    if (!target) {
      return current;
    }
    current = target.type;
  }
  return current;
}

/** The names a type refers to directly (not through other definitions). */
export function referencedNames(type: CandidType, into: Set<string> = new Set()): Set<string> {
  switch (type.kind) {
    case 'reference':
      into.add(type.name);
      break;
    case 'opt':
    case 'vec':
      referencedNames(type.type, into);
      break;
    case 'record':
    case 'variant':
      for (const field of type.fields) {
        referencedNames(field.type, into);
      }
      break;
    case 'func':
      for (const item of [...type.func.args, ...type.func.results]) {
        referencedNames(item.type, into);
      }
      break;
    case 'service':
      for (const method of type.methods) {
        referencedNames(method.type, into);
      }
      break;
    default:
      break;
  }
  return into;
}

/** The definition `name` stands for once aliases (`type A = B;`) are followed. */
export function canonicalName(
  definitions: ReadonlyMap<string, CandidTypeDefinition>,
  name: string,
): string {
  let current = name;
  for (let hops = 0; hops <= definitions.size; hops += 1) {
    const type = definitions.get(current)?.type;
    if (type?.kind !== 'reference') {
      return current;
    }
    current = type.name;
  }
  return current;
}

/** The definitions the JavaScript bindings of `roots` need, in the order to write them. */
export interface DefinitionOrder {
  /** Every needed definition that is not an alias, each after those it uses (see `recursive`). */
  readonly order: readonly CandidTypeDefinition[];
  /** Definitions used before they are written: declared ahead with `IDL.Rec()`, filled later. */
  readonly recursive: ReadonlySet<string>;
}

/**
 * Orders the definitions reachable from `roots` as `didc` does: depth first, each definition
 * after the ones it uses, so that only a definition referenced before it is written (one that
 * closes a cycle) needs `IDL.Rec()`. Aliases are not written at all: references go straight to
 * the definition they name, so a recursive definition is always filled with a constructed
 * type, never with another `IDL.Rec()`. A cycle of aliases alone is refused by the parser.
 */
export function orderDefinitions(
  definitions: ReadonlyMap<string, CandidTypeDefinition>,
  roots: readonly CandidType[],
): DefinitionOrder {
  const canonical = (name: string): string => canonicalName(definitions, name);
  const uses = (name: string): string[] => {
    const definition = definitions.get(name);
    return definition
      ? [...referencedNames(definition.type)].map(canonical).filter((use) => definitions.has(use))
      : [];
  };

  const order: CandidTypeDefinition[] = [];
  const visited = new Set<string>();
  const visit = (name: string): void => {
    if (visited.has(name)) {
      return;
    }
    visited.add(name);
    for (const use of uses(name)) {
      visit(use);
    }
    order.push(definitions.get(name) as CandidTypeDefinition);
  };
  for (const root of roots) {
    for (const name of referencedNames(root)) {
      const target = canonical(name);
      if (definitions.has(target)) {
        visit(target);
      }
    }
  }

  const written = new Set<string>();
  const recursive = new Set<string>();
  for (const definition of order) {
    for (const use of uses(definition.name)) {
      if (!written.has(use)) {
        recursive.add(use);
      }
    }
    written.add(definition.name);
  }
  return { order, recursive };
}

/** The types of a list of arguments. */
export function argumentTypes(items: readonly CandidArgument[]): CandidType[] {
  return items.map((item) => item.type);
}
