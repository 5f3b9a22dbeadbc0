import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';

@Module({
  imports: [IncidentsModule],
  controllers: [],
  providers: [],
})
export class ThirdPartiesModule {}
