/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/miniprogram_npm/'],
};

const projects = [
  { ...common, displayName: 'unit', testEnvironment: 'node', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
  {
    ...common,
    displayName: 'component',
    testEnvironment: 'jsdom',
    testMatch: ['<rootDir>/test/component/**/*.test.ts'],
  },
  {
    ...common,
    displayName: 'e2e',
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    // `testTimeout` is a global option only; a browser journey step needs more than 5 s.
    setupFilesAfterEnv: ['<rootDir>/test/e2e/setup.ts'],
    // Picks the browser once (and unpacks the npm one) before the workers start.
    globalSetup: '<rootDir>/test/e2e/global-setup.ts',
  },
  {
    // The emulator's database tests again, through the remote SDK the function instances on
    // worker threads use (devstack/cloud/remote.ts): same answers, same errors.
    ...common,
    displayName: 'unit-remote-db',
    testEnvironment: 'node',
    testMatch: [
      '<rootDir>/test/unit/devstack-cloud/crud.test.ts',
      '<rootDir>/test/unit/devstack-cloud/query.test.ts',
      '<rootDir>/test/unit/devstack-cloud/concurrency.test.ts',
      '<rootDir>/test/unit/devstack-cloud/context.test.ts',
      '<rootDir>/test/unit/devstack-cloud/subscribe.test.ts',
      '<rootDir>/test/unit/devstack-cloud/sdk-surface.test.ts',
    ],
    setupFiles: ['<rootDir>/test/unit/devstack-cloud/remote-db-setup.js'],
  },
  {
    ...common,
    displayName: 'integration',
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
  },
];

/**
 * Business rules run in Asia/Shanghai whatever the server's TZ. `npm test` runs every project with
 * TZ=UTC, then the time-sensitive suites again with TZ=Asia/Shanghai (JEST_TZ_PASS=shanghai). TZ
 * has to be set before jest starts (workers inherit it; a change at run time is not picked up).
 */
const shanghaiPass = [
  {
    ...common,
    displayName: 'unit-shanghai',
    testEnvironment: 'node',
    testMatch: [
      '<rootDir>/test/unit/common/**/*.test.ts',
      '<rootDir>/test/unit/patient/**/*.test.ts',
      '<rootDir>/test/unit/booking/**/*.test.ts',
      '<rootDir>/test/unit/his/schedule.test.ts',
      '<rootDir>/test/unit/his/booking.test.ts',
      '<rootDir>/test/unit/his/insurance*.test.ts',
      '<rootDir>/test/unit/his/fee-settlements.test.ts',
      '<rootDir>/test/unit/payment/**/*.test.ts',
    ],
  },
];

module.exports = {
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  projects: process.env.JEST_TZ_PASS === 'shanghai' ? shanghaiPass : projects,
};
