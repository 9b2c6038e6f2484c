import { inject, injectable } from 'tsyringe';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type Store, StoreToken } from '../ports/store.js';
import { configMapKind } from '../resources/configmap.js';
import type { ConfigMapDefinition } from '../validation/configmap.js';
import { NamespacedResourceService } from './namespaced-resource-service.js';

/** Configmaps: create, update, delete, get and list (spec/api-v4.md createConfigmap …). */
@injectable()
export class ConfigMapService extends NamespacedResourceService<ConfigMapDefinition> {
  constructor(@inject(StoreToken) store: Store, @inject(ClockToken) clock: Clock) {
    super(configMapKind, store, clock);
  }
}
