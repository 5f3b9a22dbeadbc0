import { IncidentRegister1732400000000 } from './1732400000000-IncidentRegister.js';
import { SubjectImportIndexes1732400002000 } from './1732400002000-SubjectImportIndexes.js';
import { RemediationActionRules1732400003000 } from './1732400003000-RemediationActionRules.js';
import { NoticeCampaigns1732400010000 } from './1732400010000-NoticeCampaigns.js';
import { Deliveries1732400020000 } from './1732400020000-Deliveries.js';
import { Announcements1732400030000 } from './1732400030000-Announcements.js';
import { PrintBatchesAndWebhooks1732400040000 } from './1732400040000-PrintBatchesAndWebhooks.js';
import { ObligationsAndReports1732400050000 } from './1732400050000-ObligationsAndReports.js';
import { ReportsAndGrants1732400051000 } from './1732400051000-ReportsAndGrants.js';
import { SchedulerJobRuns1732400051010 } from './1732400051010-SchedulerJobRuns.js';
import { SubjectIncidentCheck1732400052000 } from './1732400052000-SubjectIncidentCheck.js';
import { NoticeLinks1732400060000 } from './1732400060000-NoticeLinks.js';
import { InlinedReachability1732400061000 } from './1732400061000-InlinedReachability.js';
import { DeliveryReferenceChecks1732400062000 } from './1732400062000-DeliveryReferenceChecks.js';
import { CampaignExpandedCount1732400063000 } from './1732400063000-CampaignExpandedCount.js';
import { SubjectsInReferenceOrder1732400064000 } from './1732400064000-SubjectsInReferenceOrder.js';
import { WriteOnceDeliveries1732400065000 } from './1732400065000-WriteOnceDeliveries.js';
import { LeanerFanoutWrites1732400066000 } from './1732400066000-LeanerFanoutWrites.js';

/** Every migration, in order. TypeORM runs them; `synchronize` is never used. */
export const migrations = [IncidentRegister1732400000000, SubjectImportIndexes1732400002000, RemediationActionRules1732400003000, NoticeCampaigns1732400010000, Deliveries1732400020000, Announcements1732400030000, PrintBatchesAndWebhooks1732400040000, ObligationsAndReports1732400050000, ReportsAndGrants1732400051000, SchedulerJobRuns1732400051010, SubjectIncidentCheck1732400052000, NoticeLinks1732400060000, InlinedReachability1732400061000, DeliveryReferenceChecks1732400062000, CampaignExpandedCount1732400063000, SubjectsInReferenceOrder1732400064000, WriteOnceDeliveries1732400065000, LeanerFanoutWrites1732400066000];
