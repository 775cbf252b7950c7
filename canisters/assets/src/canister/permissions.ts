/**
 * Who may change the site, as in DFINITY's asset canister: `Commit` (change assets),
 * `Prepare` (upload chunks and propose batches) and `ManagePermissions`. Controllers may do
 * everything. Principals are kept as text.
 */
export type Permission = 'Commit' | 'Prepare' | 'ManagePermissions';

export interface PermissionLists {
  readonly Commit: readonly string[];
  readonly Prepare: readonly string[];
  readonly ManagePermissions: readonly string[];
}

export class Permissions {
  readonly #lists: Record<Permission, Set<string>> = {
    Commit: new Set(),
    Prepare: new Set(),
    ManagePermissions: new Set(),
  };

  static from(lists: PermissionLists): Permissions {
    const permissions = new Permissions();
    for (const permission of ['Commit', 'Prepare', 'ManagePermissions'] as const) {
      for (const principal of lists[permission]) {
        permissions.grant(permission, principal);
      }
    }
    return permissions;
  }

  has(permission: Permission, principal: string): boolean {
    return this.#lists[permission].has(principal);
  }

  /** Commit, or Prepare: what uploading needs (Commit includes Prepare). */
  canPrepare(principal: string): boolean {
    return this.has('Commit', principal) || this.has('Prepare', principal);
  }

  grant(permission: Permission, principal: string): void {
    this.#lists[permission].add(principal);
  }

  revoke(permission: Permission, principal: string): void {
    this.#lists[permission].delete(principal);
  }

  list(permission: Permission): string[] {
    return [...this.#lists[permission]].sort();
  }

  /** `take_ownership`: everyone loses every permission. */
  clear(): void {
    for (const list of Object.values(this.#lists)) {
      list.clear();
    }
  }

  toLists(): PermissionLists {
    return {
      Commit: this.list('Commit'),
      Prepare: this.list('Prepare'),
      ManagePermissions: this.list('ManagePermissions'),
    };
  }
}
