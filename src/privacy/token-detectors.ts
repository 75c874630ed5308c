import { Buffer } from 'node:buffer';
import { type Detector, leadAndMatch } from './detector.ts';

/** A JWT only when its header is base64url JSON naming an algorithm: `eyJ…` alone is any JSON in base64. */
function isJwt(value: string): boolean {
  const header = value.slice(0, value.indexOf('.'));
  try {
    const decoded: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof decoded === 'object' && decoded !== null && typeof (decoded as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

export const jwtDetector: Detector = {
  type: 'jwt',
  pattern: /(?<![\w-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?![\w-])/g,
  validate: isJwt,
};

/** Access key ids by their documented four-letter prefixes (AKIA long-term, ASIA temporary, …). */
export const awsAccessKeyDetector: Detector = {
  type: 'aws_access_key',
  pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AROA|ANPA|ANVA|APKA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
};

/**
 * 40 base64 characters have no shape of their own (a git SHA is 40 hex), so a secret access key counts only
 * near a keyword: `aws_secret_access_key = …`, `"SecretAccessKey": "…"`.
 */
export const awsSecretKeyDetector: Detector = {
  type: 'aws_secret_key',
  pattern: /(?:aws|secret)[\w.-]{0,30}(?:\\?["']|[ \t:=]){1,8}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  value: (match, offset) => match[offset + 1],
  validate: (value) => /[A-Z]/.test(value) && /[a-z]/.test(value),
};

export const githubTokenDetector: Detector = {
  type: 'github_token',
  pattern: /(?:gh[pousr]_(?<![A-Za-z0-9_]gh[pousr]_)[A-Za-z0-9]{30,255}|github_pat_(?<![A-Za-z0-9_]github_pat_)[A-Za-z0-9_]{30,255})(?![A-Za-z0-9_])/g,
};

export const slackTokenDetector: Detector = {
  type: 'slack_token',
  pattern: /(?<![A-Za-z0-9])(?:xox[abposre]-[A-Za-z0-9-]{10,250}|xapp-\d-[A-Za-z0-9-]{10,250})(?![A-Za-z0-9-])/g,
};

/** The whole URL is the credential: whoever holds it posts to the channel. */
export const slackWebhookDetector: Detector = {
  type: 'slack_webhook',
  pattern: /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]+/g,
};

/** `<bot id>:<35 characters>`, also inside `https://api.telegram.org/bot<token>/sendMessage`. */
export const telegramBotTokenDetector: Detector = {
  type: 'telegram_bot_token',
  pattern: /(?<=(?<!\d)(\d{6,12})):[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g,
  value: leadAndMatch,
};

/** The credential of an Authorization header, whatever its scheme. */
export const authorizationHeaderDetector: Detector = {
  type: 'bearer_token',
  pattern: /authorization(?:\\?["'])?[ \t]*[:=][ \t]*(?:\\?["'])?(?:bearer|basic|token|bot|apikey)[ \t]+([A-Za-z0-9._~+/-]+=*)/gi,
  value: (match, offset) => match[offset + 1],
};

/** A bare `Bearer <token>` outside a header: long and with a digit, so that "Bearer authentication failed" stays. */
export const bearerTokenDetector: Detector = {
  type: 'bearer_token',
  pattern: /(?<![\w-])[Bb]earer[ \t]+([A-Za-z0-9._~+/-]{16,}=*)/g,
  value: (match, offset) => match[offset + 1],
  validate: (value) => /\d/.test(value),
};
