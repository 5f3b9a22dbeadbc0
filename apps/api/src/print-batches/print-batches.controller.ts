import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ, STAFF_WRITE } from '../access/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { GatherPrintBatchesDto, ListPrintBatchesQuery, MarkMailedDto } from './print-batch.dto.js';
import { PrintBatchService } from './print-batch.service.js';

@ApiTags('print batches')
@ApiBearerAuth()
@Controller('v1/print-batches')
export class PrintBatchesController {
  constructor(@Inject(PrintBatchService) private readonly batches: PrintBatchService) {}

  /** Gathers the letters waiting for print into new batches now; 201 with the batches, 200 when none waits. */
  @Post()
  @Roles(...STAFF_WRITE)
  async gather(@CurrentActor() actor: Actor, @Body() dto: GatherPrintBatchesDto, @Res({ passthrough: true }) res: Response) {
    const result = await this.batches.gather(actor, dto);
    res.status(result.items.length ? 201 : 200);
    return result;
  }

  @Get()
  @Roles(...STAFF_READ)
  list(@Query() query: ListPrintBatchesQuery) {
    return this.batches.list(query);
  }

  @Get(':id')
  @Roles(...STAFF_READ)
  get(@Param('id', uuidParam('id')) id: string) {
    return this.batches.get(id);
  }

  /** The whole batch as one PDF, letters in batch order (names and addresses: admin and responder only). */
  @Get(':id/letters.pdf')
  @Roles(...STAFF_WRITE)
  @ApiProduces('application/pdf')
  async pdf(@Param('id', uuidParam('id')) id: string, @Res() res: Response): Promise<void> {
    const batch = await this.batches.require(id);
    await this.batches.assertPrintable(batch);
    res.status(200).type('application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="print-batch-${batch.id}.pdf"`);
    res.setHeader('Cache-Control', 'no-store');
    await this.batches.writePdf(batch, res);
  }

  /** One CSV line per letter: delivery id, position, recipient, address lines, country, pages. */
  @Get(':id/manifest.csv')
  @Roles(...STAFF_WRITE)
  @ApiProduces('text/csv')
  async manifest(@Param('id', uuidParam('id')) id: string, @Res() res: Response): Promise<void> {
    const batch = await this.batches.require(id);
    res.status(200).type('text/csv; charset=utf-8; header=present');
    res.setHeader('Content-Disposition', `attachment; filename="print-batch-${batch.id}-manifest.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    await this.batches.writeManifest(batch, res);
  }

  /** The batch was handed to the post: its letters become sent. Repeating it changes nothing. */
  @Post(':id/mailed')
  @HttpCode(200)
  @Roles(...STAFF_WRITE)
  mailed(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string, @Body() dto: MarkMailedDto) {
    return this.batches.markMailed(actor, id, dto);
  }
}
