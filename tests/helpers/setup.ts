import { resetEnvForTests } from '@/lib/env';

// Each test file starts from the environment vitest was given; tests that change process.env
// call resetEnvForTests themselves.
resetEnvForTests();
