// jest setupFiles of the `unit-remote-db` project: helpers.ts memoryEmulator() then serves the
// emulator to the remote SDK over a MessageChannel (see helpers.ts).
process.env.DEVSTACK_TEST_REMOTE_DB = '1';
