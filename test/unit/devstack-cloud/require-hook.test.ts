import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');

describe('installWxServerSdk', () => {
  it("makes require('wx-server-sdk') return the emulation in a plain tsx process", () => {
    const child = spawnSync(
      join(REPO, 'node_modules', '.bin', 'tsx'),
      [join(__dirname, 'fixtures', 'require-hook-child.ts')],
      {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const out = JSON.parse(child.stdout) as {
      sameSdk: boolean;
      result: { openid: string; id: string; count: number; uploadError: string | null };
      afterUninstall: string;
    };
    expect(out.sameSdk).toBe(true);
    expect(out.result.openid).toBe('o-child');
    expect(out.result.id).toMatch(/^[0-9a-f]{32}$/);
    expect(out.result.count).toBe(1);
    // even through esbuild's __toESM namespace wrapper, unknown APIs fail loudly
    expect(out.result.uploadError).toBe('wx-server-sdk emulation: cloud.uploadFile is not emulated');
    // after uninstall, resolution is back to normal (the real package, or none)
    expect(out.afterUninstall).not.toBe('still-emulated');
  });
});
