/** Everything the api reads from the environment, in one place. Secrets come only from here. */
export interface ApiConfig {
  databaseUrl: string;
  port: number;
  adminToken?: string;
  jsonBodyLimit: string;
}

export function apiConfigFromEnv(env: NodeJS.ProcessEnv, databaseUrl = env.DATABASE_URL): ApiConfig {
  if (!databaseUrl) throw new Error('DATABASE_URL is not set (npm start sets it for the embedded database)');
  return {
    databaseUrl,
    port: Number(env.PORT ?? 3000),
    adminToken: env.TOCSIN_ADMIN_TOKEN || undefined,
    jsonBodyLimit: env.TOCSIN_JSON_LIMIT ?? '1mb',
  };
}
