// An AdminJS resource that is not a Prisma model (the audit log, experiments): the adapter
// boilerplate once. A subclass names itself, lists its properties and implements count, find,
// findOne and findMany; create, update and delete are refused here, whatever AdminJS calls.
import { BaseProperty, BaseResource, type ActionContext, type PropertyType } from 'adminjs';
import { AppError } from '../http/errors.js';
import { can } from '../rbac/access.js';
import type { Permission } from '../rbac/permissions.js';

/** AdminJS action options of a read-only resource: list, show and search with `read`; no writes at all. */
export function readOnlyActions(read: Permission) {
  const canRead = ({ currentAdmin }: ActionContext) => can(currentAdmin, read);
  const never = { isAccessible: false, isVisible: false };
  return {
    list: { isAccessible: canRead, isVisible: canRead },
    show: { isAccessible: canRead, isVisible: canRead },
    search: { isAccessible: canRead, isVisible: canRead },
    new: never, edit: never, delete: never, bulkDelete: never,
  };
}

export abstract class ReadOnlyResource extends BaseResource {
  private readonly props: BaseProperty[];

  protected constructor(
    private readonly names: { id: string; database: string; readOnlyDetail: string },
    properties: [path: string, type: PropertyType][],
    { idPath, isSortable = () => false }: { idPath: string; isSortable?: (path: string) => boolean },
  ) {
    super();
    this.props = properties.map(([path, type], position) => new BaseProperty({ path, type, isId: path === idPath, isSortable: isSortable(path), position }));
  }

  static isAdapterFor(): boolean {
    return false;
  }

  databaseName(): string {
    return this.names.database;
  }

  databaseType(): string {
    return 'postgresql';
  }

  id(): string {
    return this.names.id;
  }

  properties(): BaseProperty[] {
    return this.props;
  }

  property(path: string): BaseProperty | null {
    return this.props.find((p) => p.path() === path) ?? null;
  }

  private refuse(): never {
    throw new AppError({ status: 405, code: 'method_not_allowed', title: 'Read only', detail: this.names.readOnlyDetail });
  }

  async create(): Promise<never> {
    this.refuse();
  }

  async update(): Promise<never> {
    this.refuse();
  }

  async delete(): Promise<never> {
    this.refuse();
  }
}
