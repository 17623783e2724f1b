// Browser journeys start a devstack and Chromium and walk several pages per test.
jest.setTimeout(90_000);
