export * from './letter-pdf.js';
export * from './win-ansi.js';
export * from './report-pdf.js';
