export * from './build-report.js';
export * from './json-schema-lite.js';
export * from './notice-facts.js';
export * from './report-csv.js';
export * from './report-fields.js';
export * from './report-schema.js';
export * from './report-types.js';
export * from './scheduling.js';
