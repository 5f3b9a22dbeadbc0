import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Database } from '#database';
import { Public } from '../access/roles.decorator.js';

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(@Inject(Database) private readonly db: Database) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready() {
    try {
      await this.db.ping();
      return { status: 'ok', database: 'ok' };
    } catch {
      throw new ServiceUnavailableException('database unreachable');
    }
  }
}
