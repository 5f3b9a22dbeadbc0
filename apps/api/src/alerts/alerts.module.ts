import { Module } from '@nestjs/common';
import { AlertRepository } from './alert.repository.js';
import { AlertsController } from './alerts.controller.js';

@Module({ controllers: [AlertsController], providers: [AlertRepository] })
export class AlertsModule {}
