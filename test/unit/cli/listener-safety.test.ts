import { describe, expect, it } from 'vitest';
import { checkListenerSafety, isLoopbackHost } from '../../../src/cli/listener-safety.ts';
import { configSchema } from '../../../src/config/config-schema.ts';

const person = { id: 'erin', name: 'Erin', roles: ['sre'], password: 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
const config = (server: Record<string, unknown>, extra: Record<string, unknown> = {}) => configSchema.parse({ server, ...extra });

describe('listener safety: open defaults only on a loopback listener', () => {
  it('knows loopback listeners: 127.0.0.0/8, ::1 (also mapped and bracketed) and localhost; nothing else', () => {
    for (const host of ['127.0.0.1', '127.0.0.6', '127.255.255.254', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.7', '::ffff:10.0.0.7', 'awoooi.internal', '128.0.0.1', 'localhost.example.com']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('lets the embedded defaults run on 127.0.0.1 (npm start)', () => {
    expect(checkListenerSafety(config({}))).toEqual({ errors: [], warnings: [], demoOnNetwork: false });
  });

  it('refuses a network listener without people and without webhook credentials, naming what to configure', () => {
    const { errors } = checkListenerSafety(config({ host: '0.0.0.0' }));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/server\.host 0\.0\.0\.0 is not loopback and no approvals\.people are configured/);
    expect(errors[0]).toMatch(/awoooi hash-password/);
    expect(errors[0]).toMatch(/AWOOOI_DEMO=true/);
    expect(errors[1]).toMatch(/no webhook credentials are configured.*AWOOOI_WEBHOOK_TOKEN/);
    expect(checkListenerSafety(config({ host: '::' }, { approvals: { people: [person] } })).errors).toEqual([expect.stringMatching(/webhook credentials/)]);
    expect(checkListenerSafety(config({ host: '192.168.1.20' }, { webhook: { token: 'a-long-enough-token-123' } })).errors).toEqual([
      expect.stringMatching(/approvals\.people/),
    ]);
    expect(checkListenerSafety(config({ host: '0.0.0.0' }, { webhook: { token: 'a-long-enough-token-123' }, approvals: { people: [person] } })).errors).toEqual(
      [],
    );
  });

  it('with AWOOOI_DEMO=true starts on the network but says loudly what is open', () => {
    const safety = checkListenerSafety(config({ host: '0.0.0.0', demo: true }));
    expect(safety.errors).toEqual([]);
    expect(safety.demoOnNetwork).toBe(true);
    expect(safety.warnings).toEqual([expect.stringMatching(/DEMO sign-in is OPEN TO THE NETWORK/), expect.stringMatching(/API is OPEN TO THE NETWORK/)]);
  });
});
