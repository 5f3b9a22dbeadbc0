import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createPinoLogger, StructuredLogger } from '#observability';
import { notifierConfigFromEnv } from './notifier-config.js';
import { NotifierModule } from './notifier.module.js';

const config = notifierConfigFromEnv(process.env);
const logger = new StructuredLogger(createPinoLogger('notifier'));
const app = await NestFactory.createApplicationContext(NotifierModule.forRoot(config), { logger });
app.enableShutdownHooks();
await app.init();
