import { inject, injectable } from 'tsyringe';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type Store, StoreToken } from '../ports/store.js';
import { secretKind } from '../resources/secret.js';
import type { SecretDefinition } from '../validation/secret.js';
import { NamespacedResourceService } from './namespaced-resource-service.js';

/** Secrets: create, update, delete, get and list. Contents never appear in errors or logs. */
@injectable()
export class SecretService extends NamespacedResourceService<SecretDefinition> {
  constructor(@inject(StoreToken) store: Store, @inject(ClockToken) clock: Clock) {
    super(secretKind, store, clock);
  }
}
