import { IncidentRegister1732400000000 } from './1732400000000-IncidentRegister.js';
import { RemediationActionRules1732400003000 } from './1732400003000-RemediationActionRules.js';

/** Every migration, in order. TypeORM runs them; `synchronize` is never used. */
export const migrations = [IncidentRegister1732400000000, RemediationActionRules1732400003000];
