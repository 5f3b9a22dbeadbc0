export * from './letter-pdf.js';
export * from './win-ansi.js';
