// vitest config for fingerprinting the test scenarios (see fingerprint-setup.ts): the suite's own
// settings plus the setup file that records a fingerprint after each correlate() call.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config.ts';

export default mergeConfig(
  base,
  defineConfig({ test: { setupFiles: ['test/correlate/fingerprint-setup.ts'] } }),
);
