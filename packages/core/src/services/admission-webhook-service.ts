import { inject, injectable } from 'tsyringe';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type Logger, LoggerToken } from '../ports/logger.js';
import { type Store, StoreToken } from '../ports/store.js';
import { admissionWebhookKind } from '../resources/admission-webhook.js';
import type { AdmissionWebhookDefinition } from '../validation/admission-webhook.js';
import { NamespacedResourceService } from './namespaced-resource-service.js';

/** Admission webhook configurations: CRUD only; invoking them is a later issue. */
@injectable()
export class AdmissionWebhookService extends NamespacedResourceService<AdmissionWebhookDefinition> {
  constructor(
    @inject(StoreToken) store: Store,
    @inject(ClockToken) clock: Clock,
    @inject(LoggerToken) logger: Logger,
  ) {
    super(admissionWebhookKind, store, clock, logger);
  }
}
