import { inject, injectable } from 'tsyringe';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type Logger, LoggerToken } from '../ports/logger.js';
import { type Store, StoreToken } from '../ports/store.js';
import { secretKind } from '../resources/secret.js';
import type { SecretDefinition } from '../validation/secret.js';
import { type DataReferenceGuard, DataReferenceGuardToken, guardedDelete } from './data-references.js';
import { type DeleteOptions, NamespacedResourceService } from './namespaced-resource-service.js';

/** Secrets: create, update, delete, get and list. Contents never appear in errors or logs. */
@injectable()
export class SecretService extends NamespacedResourceService<SecretDefinition> {
  constructor(
    @inject(StoreToken) store: Store,
    @inject(ClockToken) clock: Clock,
    @inject(DataReferenceGuardToken) private readonly guard: DataReferenceGuard,
    @inject(LoggerToken) logger: Logger,
  ) {
    super(secretKind, store, clock, logger);
  }

  /**
   * Deletes the secret; `Conflict` (409) while an application (a deployment's included) references it, unless
   * `force`. Taskgroups already launched keep what they got; new ones launch without the missing data.
   */
  override delete(namespace: string, name: string, options: DeleteOptions = {}): Promise<void> {
    return guardedDelete(this.guard, 'secret', namespace, name, options.force === true, () =>
      super.delete(namespace, name),
    );
  }
}
