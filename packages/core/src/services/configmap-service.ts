import { inject, injectable } from 'tsyringe';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type Logger, LoggerToken } from '../ports/logger.js';
import { type Store, StoreToken } from '../ports/store.js';
import { configMapKind } from '../resources/configmap.js';
import type { ConfigMapDefinition } from '../validation/configmap.js';
import { type DataReferenceGuard, DataReferenceGuardToken, guardedDelete } from './data-references.js';
import { type DeleteOptions, NamespacedResourceService } from './namespaced-resource-service.js';

/** Configmaps: create, update, delete, get and list (spec/api-v4.md createConfigmap …). */
@injectable()
export class ConfigMapService extends NamespacedResourceService<ConfigMapDefinition> {
  constructor(
    @inject(StoreToken) store: Store,
    @inject(ClockToken) clock: Clock,
    @inject(DataReferenceGuardToken) private readonly guard: DataReferenceGuard,
    @inject(LoggerToken) logger: Logger,
  ) {
    super(configMapKind, store, clock, logger);
  }

  /**
   * Deletes the configmap; `Conflict` (409) while an application (a deployment's included) references it, unless
   * `force`. Taskgroups already launched keep what they got; new ones launch without the missing data.
   */
  override delete(namespace: string, name: string, options: DeleteOptions = {}): Promise<void> {
    return guardedDelete(this.guard, 'configmap', namespace, name, options.force === true, () =>
      super.delete(namespace, name),
    );
  }
}
