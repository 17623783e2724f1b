import { DEV_PII_HASH_KEY, piiHashKeyFromEnv } from '../../../server/config/pii';

describe('PII_HASH_KEY', () => {
  it('is required: no silent fallback to a known key', () => {
    expect(() => piiHashKeyFromEnv({})).toThrow(/PII_HASH_KEY is not set/);
    expect(() => piiHashKeyFromEnv({ PII_HASH_KEY: '   ' })).toThrow(/PII_HASH_KEY is not set/);
  });
  it('must be long enough to be a secret', () => {
    expect(() => piiHashKeyFromEnv({ PII_HASH_KEY: 'short' })).toThrow(/at least 32/);
  });
  it('returns the configured key', () => {
    expect(piiHashKeyFromEnv({ PII_HASH_KEY: DEV_PII_HASH_KEY })).toBe(DEV_PII_HASH_KEY);
  });
});
