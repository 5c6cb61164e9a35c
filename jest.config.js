/** One Jest run covers every package. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/__tests__/**/*.test.ts', '**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }]
  },
  setupFilesAfterEnv: ['<rootDir>/jest.setup.ts'],
  // Snapshots as upstream's Jest 27 writes them, so that a destination's snapshots move to action-destinations as they are.
  snapshotFormat: { escapeString: true, printBasicPrototype: true },
  testTimeout: 20000
}
