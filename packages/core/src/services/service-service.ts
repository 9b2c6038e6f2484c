import { inject, injectable } from 'tsyringe';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type Logger, LoggerToken } from '../ports/logger.js';
import { type Store, StoreToken } from '../ports/store.js';
import { serviceKind } from '../resources/service.js';
import type { ServiceDefinition } from '../validation/service.js';
import { NamespacedResourceService } from './namespaced-resource-service.js';

/** BCS services (selectors and ports): create, update, delete, get and list. */
@injectable()
export class ServiceService extends NamespacedResourceService<ServiceDefinition> {
  constructor(
    @inject(StoreToken) store: Store,
    @inject(ClockToken) clock: Clock,
    @inject(LoggerToken) logger: Logger,
  ) {
    super(serviceKind, store, clock, logger);
  }
}
