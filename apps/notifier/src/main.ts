import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createPinoLogger, StructuredLogger } from '#observability';
import { NotifierModule } from './notifier.module.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is not set (npm start sets it for the embedded database)');
const logger = new StructuredLogger(createPinoLogger('notifier'));
const app = await NestFactory.createApplicationContext(NotifierModule.forRoot(databaseUrl), { logger });
app.enableShutdownHooks();
await app.init();
