import { describe, expect, it } from 'vitest';
import { detectEntities } from '../../../src/privacy/detect-entities.ts';
import type { EntityType } from '../../../src/privacy/entity-type.ts';

const jwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi', 'Z1BjP5CE/Wm/Rr500P/Rw==', '-----END RSA PRIVATE KEY-----'].join(
  '\n',
);

/** [type, text around it, the exact value that must be found]. */
const positives: [EntityType, string, string][] = [
  ['ipv4', 'dial tcp 10.1.2.3:5432: connection refused', '10.1.2.3'],
  ['ipv4', 'client=192.168.100.254, cidr 172.16.0.0/12', '192.168.100.254'],
  ['ipv4', 'cidr 172.16.0.0/12', '172.16.0.0'],
  ['ipv4', 'X-Forwarded-For: 203.0.113.7', '203.0.113.7'],
  ['ipv6', 'full 2001:0db8:85a3:0000:0000:8a2e:0370:7334 here', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
  ['ipv6', 'compressed 2001:db8::8a2e:370:7334 here', '2001:db8::8a2e:370:7334'],
  ['ipv6', 'leading ::ffff:abcd here', '::ffff:abcd'],
  ['ipv6', 'trailing fd00:1:2:: here', 'fd00:1:2::'],
  ['ipv6', 'middle 2001:db8:0:0:1::1 here', '2001:db8:0:0:1::1'],
  ['ipv6', 'upstream [2001:db8::1]:443 reset', '2001:db8::1'],
  ['ipv6', 'zone fe80::1ff:fe23:4567:890a%eth0 link-local', 'fe80::1ff:fe23:4567:890a%eth0'],
  ['ipv6', 'url http://[fe80::1%25en0]:8080/', 'fe80::1%25en0'],
  ['ipv6', 'mapped ::ffff:192.0.2.128 client', '::ffff:192.0.2.128'],
  ['ipv6', 'upper 2001:DB8::ABCD done', '2001:DB8::ABCD'],
  ['email', 'owner: jane.doe+oncall@example.co.uk, cc', 'jane.doe+oncall@example.co.uk'],
  ['email', '<ops-team@corp.example.org>', 'ops-team@corp.example.org'],
  ['uuid', 'request_id=123e4567-e89b-12d3-a456-426614174000 done', '123e4567-e89b-12d3-a456-426614174000'],
  ['uuid', 'volume pvc-0F8FAD5B-D9CB-469F-A165-70867728950E bound', '0F8FAD5B-D9CB-469F-A165-70867728950E'],
  ['mac_address', 'nic 00:1A:2B:3C:4D:5E link down', '00:1A:2B:3C:4D:5E'],
  ['mac_address', 'nic 3c-22-fb-0a-11-9e up', '3c-22-fb-0a-11-9e'],
  ['mac_address', 'cisco 001a.2b3c.4d5e learned', '001a.2b3c.4d5e'],
  ['jwt', `session=${jwt}; path=/`, jwt],
  ['jwt', 'alg none eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. end', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
  ['aws_access_key', 'AccessDenied for AKIAIOSFODNN7EXAMPLE on s3', 'AKIAIOSFODNN7EXAMPLE'],
  ['aws_access_key', 'temporary ASIAY34FZKBOKMUTVV7A expired', 'ASIAY34FZKBOKMUTVV7A'],
  ['aws_secret_key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['aws_secret_key', '{"SecretAccessKey": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"}', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'],
  ['github_token', 'token ghp_16C7e42F292c6912E7710c838347Ae178B4a used', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'],
  ['github_token', 'gho_16C7e42F292c6912E7710c838347Ae178B4a', 'gho_16C7e42F292c6912E7710c838347Ae178B4a'],
  ['github_token', 'x ghu_16C7e42F292c6912E7710c838347Ae178B4a', 'ghu_16C7e42F292c6912E7710c838347Ae178B4a'],
  ['github_token', 'x ghs_16C7e42F292c6912E7710c838347Ae178B4a', 'ghs_16C7e42F292c6912E7710c838347Ae178B4a'],
  ['github_token', 'x ghr_16C7e42F292c6912E7710c838347Ae178B4a', 'ghr_16C7e42F292c6912E7710c838347Ae178B4a'],
  [
    'github_token',
    'GH_TOKEN github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef ok',
    'github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef',
  ],
  ['slack_token', 'bot xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx invalid_auth', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
  [
    'slack_token',
    'user xoxp-123456789012-123456789012-123456789012-abcdef0123456789abcdef0123456789',
    'xoxp-123456789012-123456789012-123456789012-abcdef0123456789abcdef0123456789',
  ],
  ['slack_token', 'app xapp-1-A0123456789-1234567890123-abcdef0123456789', 'xapp-1-A0123456789-1234567890123-abcdef0123456789'],
  [
    'slack_webhook',
    'POST https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX 404',
    'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
  ],
  [
    'telegram_bot_token',
    'https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq/sendMessage',
    '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq',
  ],
  ['telegram_bot_token', 'TELEGRAM_TOKEN=7012345678:AAE-abcdefghijklmnopqrstuvwxyz01234', '7012345678:AAE-abcdefghijklmnopqrstuvwxyz01234'],
  ['bearer_token', 'Authorization: Bearer 0b79bab50daca910b000d4f1a2b675d604257e42', '0b79bab50daca910b000d4f1a2b675d604257e42'],
  ['bearer_token', '"authorization":"Basic dXNlcjpwYXNzd29yZA=="', 'dXNlcjpwYXNzd29yZA=='],
  ['bearer_token', 'curl -H "Authorization: token abc" x', 'abc'],
  ['bearer_token', 'retrying with bearer sk-live-4f9a8b7c6d5e4f3a2b1c', 'sk-live-4f9a8b7c6d5e4f3a2b1c'],
  ['private_key', `key:\n${pem}\nnext line`, pem],
  [
    'private_key',
    '"tls.key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\nkqhkiG9w0==\\n-----END PRIVATE KEY-----\\n"',
    '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\nkqhkiG9w0==\\n-----END PRIVATE KEY-----',
  ],
  [
    'private_key',
    '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\nlevel=info cut off',
    '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49',
  ],
  ['connection_password', 'DATABASE_URL=postgres://app:s3cr3t-P4ss@orders-db.shop.svc:5432/orders', 's3cr3t-P4ss'],
  ['connection_password', 'redis://:hunter2@cache:6379/0', 'hunter2'],
  ['connection_password', 'mongodb+srv://svc:p%40ss%3Aword@cluster0.abcde.mongodb.net/db?retryWrites=true', 'p%40ss%3Aword'],
  ['connection_password', 'amqp://guest:guest-Pa55@rabbitmq.messaging:5672/vhost', 'guest-Pa55'],
  ['connection_password', 'mysql://root:toor@10.0.0.9/app', 'toor'],
  ['secret_pair', 'config reload password=hunter2 user=app', 'hunter2'],
  ['secret_pair', 'DB_PASSWORD="correct horse battery staple"', 'correct horse battery staple'],
  ['secret_pair', "client_secret: 'abc def'", 'abc def'],
  ['secret_pair', '{"api_key":"k-9f8e7d6c"}', 'k-9f8e7d6c'],
  ['secret_pair', 'GET /hook?token=abc123&x=1', 'abc123'],
  ['secret_pair', 'x-api-key: 5ebe2294ecd0e0f08eab7690d2a6ee69', '5ebe2294ecd0e0f08eab7690d2a6ee69'],
  ['secret_pair', '{\\"password\\":\\"escaped-in-json\\"}', 'escaped-in-json'],
  ['secret_pair', 'PASSPHRASE=wibble', 'wibble'],
  ['credit_card', 'card 4111 1111 1111 1111 declined', '4111 1111 1111 1111'],
  ['credit_card', 'card 5500-0000-0000-0004 declined', '5500-0000-0000-0004'],
  ['credit_card', 'amex 378282246310005 ok', '378282246310005'],
  ['credit_card', 'amex 3782 822463 10005 ok', '3782 822463 10005'],
  ['credit_card', 'mc2 2221000000000009 ok', '2221000000000009'],
  ['phone', 'page +1 415 555 2671 now', '+1 415 555 2671'],
  ['phone', 'call +44 20 7946 0958.', '+44 20 7946 0958'],
  ['phone', 'sms +4915112345678 sent', '+4915112345678'],
  ['phone', 'tel:+33-1-23-45-67-89', '+33-1-23-45-67-89'],
  ['phone', 'us +1 (415) 555-2671', '+1 (415) 555-2671'],
];

/** Not PII: must come through untouched, alone and inside a line. */
const mustNotTouch = [
  '2024-05-01T13:21:05.123Z',
  '2024-05-01T13:21:05+02:00',
  '2024-05-01 13:21:05,123',
  'Wed, 01 May 2024 13:21:05 GMT',
  '13:21:05',
  '13:21:05.123456',
  '5m30s',
  '1h2m3.5s',
  '250ms',
  '1.5µs',
  'v1.2.3',
  '1.25.0-rc.1',
  'v1.29.3+k3s1',
  '2.4.1-beta.2+build.5',
  ':8080',
  'localhost:8080',
  '0.0.0.0:9090',
  '127.0.0.1:5432',
  '[::1]:8080',
  'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'nginx@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
  'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
  '43:51:43:a1:b5:fc:8b:b7:0a:3a:a9:b1:0f:66:73:a8',
  'checkout-7d9f8b6c5d-x2k4p',
  'payments-api-6b9f7c8d4-2xkqz',
  'orders-db-0',
  'kube-system/coredns-5d78c9869d-abcde',
  'deployment.apps/checkout',
  'cpu_usage_seconds_total{pod="checkout-7d9f8b6c5d-x2k4p"} 1234.5678',
  'value=0.9734',
  '99.95%',
  '+12.5%',
  '-3.2%',
  'latency_p99=1.234s',
  '1714567890123',
  '1714567890123456789',
  '4294967296',
  'error count 1234567890',
  'std::vector<int>',
  'level :: message',
  'max_tokens: 4096',
  'secretName: db-credentials',
  'token_expiry=3600',
  'password_policy: strong',
  'tokens_total 42',
  'Bearer authentication failed',
  'kind: Secret',
  'password: null',
  'token=$GITHUB_TOKEN',
  'password=[redacted]',
  'https://grafana.example.com/d/abc123/overview?orgId=1&from=now-1h',
  'git@github.com:org/repo.git',
  'image ghcr.io/org/app:v1.2.3',
  'ff:ff:ff:ff:ff:ff',
  'build 20240501.1',
  '10.5.3',
  'ratio 1.2.3.4.5',
  'v1.2.3.4',
  'eyJub3QiOiJhIGp3dCJ9.eyJ4IjoxfQ.abc',
  'ghp_short',
  'AKIA',
];

describe('privacy detectors', () => {
  it.each(positives)('finds %s in %j', (type, text, value) => {
    const found = detectEntities(text).map((entity) => ({ type: entity.type, value: text.slice(entity.start, entity.end) }));
    expect(found).toContainEqual({ type, value });
  });

  it.each(mustNotTouch)('leaves %j alone', (text) => {
    expect(detectEntities(text)).toEqual([]);
    expect(detectEntities(`12:00:01 level=warn msg="${text}" took 5ms`)).toEqual([]);
  });

  it('covers every entity type with positives', async () => {
    const { entityTypes } = await import('../../../src/privacy/entity-type.ts');
    expect(new Set(positives.map(([type]) => type))).toEqual(new Set(entityTypes));
  });

  it('checks what a pattern cannot: Luhn, issuer, IP octets, JWT header', () => {
    expect(detectEntities('card 4111 1111 1111 1112')).toEqual([]);
    expect(detectEntities('card 1111 1111 1111 1117')).toEqual([]);
    expect(detectEntities('ip 10.0.0.256 and 300.1.1.1')).toEqual([]);
    expect(detectEntities('ip 01.2.3.4')).toEqual([]);
    expect(detectEntities('ipv6 2001:db8::1::2 and 1:2:3:4:5:6:7:8:9')).toEqual([]);
    expect(detectEntities('eyJzdWIiOiIxMjM0In0.eyJzdWIiOiIxMjM0In0.c2ln')).toEqual([]);
  });

  it('resolves overlaps to the most specific reading, with no span inside another', () => {
    const text = `Authorization: Bearer ${jwt} from postgres://app:pa55@db.example.com and token=${'ghp_16C7e42F292c6912E7710c838347Ae178B4a'}`;
    const found = detectEntities(text);
    expect(found.map((entity) => entity.type)).toEqual(['jwt', 'connection_password', 'github_token']);
    for (let index = 1; index < found.length; index++) expect(found[index]!.start).toBeGreaterThanOrEqual(found[index - 1]!.end);
  });

  it('finds an entity again after a candidate that fails its validator (the scan is not consumed)', () => {
    // 13:21:05 is an IPv6 candidate that node:net refuses; the MAC and the token that follow must still be found.
    const text = '13:21:05 00:1a:2b:3c:4d:5e 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq';
    expect(detectEntities(text).map((entity) => entity.type)).toEqual(['mac_address', 'telegram_bot_token']);
  });

  it('scans many lines at once without joining entities across line breaks', () => {
    const lines = ['addr 10.0.0.1', 'mail a@example.com', 'password=x1', 'plain'];
    const found = detectEntities(lines.join('\n'));
    expect(found.map((entity) => entity.type)).toEqual(['ipv4', 'email', 'secret_pair']);
  });
});
