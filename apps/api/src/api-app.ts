import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { ApiModule } from './api.module.js';
import { createValidationPipe } from './common/validation.js';
import type { ApiConfig } from './config.js';

/** Builds the HTTP application; `main.ts` listens, tests drive it in-process. */
export async function createApiApp(config: ApiConfig, logger: LoggerService | false): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), { bodyParser: false, rawBody: true, logger, abortOnError: false });
  app.disable('x-powered-by');
  // JSON bodies are small; subject uploads (CSV/NDJSON) are streamed by their own route and never buffered.
  app.useBodyParser('json', { limit: config.jsonBodyLimit, type: ['application/json', 'application/*+json'] });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  if (logger) app.use(requestLog(logger));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tocsin API')
      .setDescription('Security-incident register, breach notification and regulator reporting.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  return app;
}

/** One structured line per request: method, path, status, duration. Never headers or bodies. */
function requestLog(logger: LoggerService) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.log({ msg: 'request', method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(ms) }, 'http');
    });
    next();
  };
}
