import { Module } from '@nestjs/common';
import { PRINT_BATCH_SETTINGS, printBatchSettingsFromEnv } from '#records';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { PrintBatchRepository } from './print-batch.repository.js';
import { PrintBatchService } from './print-batch.service.js';
import { PrintBatchesController } from './print-batches.controller.js';

/**
 * Letter print batches: gathering on demand (the notifier gathers on a schedule, with the same code),
 * the batch PDF and manifest, and the mailing confirmation that marks the letters sent.
 */
@Module({
  imports: [CampaignsModule],
  controllers: [PrintBatchesController],
  providers: [
    PrintBatchRepository,
    PrintBatchService,
    { provide: PRINT_BATCH_SETTINGS, useFactory: () => printBatchSettingsFromEnv(process.env) },
  ],
})
export class PrintBatchesModule {}
