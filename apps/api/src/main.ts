import 'reflect-metadata';
import { createPinoLogger, StructuredLogger } from '#observability';
import { TokenService } from './access/token.service.js';
import { createApiApp } from './api-app.js';
import { apiConfigFromEnv } from './config.js';

const config = apiConfigFromEnv(process.env);
const logger = new StructuredLogger(createPinoLogger('api'));
const app = await createApiApp(config, logger);

const { generated } = await app.get(TokenService).bootstrapAdmin(config.adminToken);
if (generated) {
  // Printed once, to the terminal only: it is not kept anywhere in clear.
  process.stdout.write(`\n  Bootstrap admin token (shown once, store it now):\n  ${generated}\n\n`);
}
// A subject upload of millions of rows can stream for longer than Node's default 5-minute request limit;
// slow clients are still cut off by the headers timeout.
(app.getHttpServer() as import('node:http').Server).requestTimeout = 0;
await app.listen(config.port, process.env.HOST ?? '127.0.0.1');
logger.log(`api listening on ${await app.getUrl()}`, 'bootstrap');
