import { type Detector, firstGroup } from './detector.ts';

/**
 * The password of a URL's userinfo (`postgres://user:pass@host`, `redis://:pass@host`, `mongodb+srv://…`,
 * `amqp://…`): only the password; the user and host stay (the IP detector takes a host that is an IP).
 */
export const connectionPasswordDetector: Detector = {
  type: 'connection_password',
  pattern: /(?<=[A-Za-z0-9]):\/\/[^\s:@/]*:([^\s@/]+)(?=@)/g,
  value: (match, offset) => match[offset + 1],
};

// Values that hold no secret: placeholders, references to one, and what a previous redaction left.
const notASecret = /^(?:null|none|nil|true|false|undefined|\*+|x+|\.+|\[[A-Za-z_ ]+\]?|<[^>]*>|\$\{?[A-Za-z_][\w.]*\}?|\{\{.*\}\})$/i;

/**
 * `password=…`, `secret: …`, `token=…`, `"api_key": "…"`, `DB_PASSWORD=…`: the key ends with the keyword
 * (so `max_tokens: 4096` and `secretName: db` stay), and the value, quoted (JSON-escaped too) or bare up to
 * a separator, is replaced.
 */
export const secretPairDetector: Detector = {
  type: 'secret_pair',
  pattern:
    /(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)(?:\\?["'])?[ \t]*[:=][ \t]*(?:"([^"\r\n]+)(?=")|'([^'\r\n]+)(?=')|\\"([^"\\\r\n]+)(?=\\")|([^\s"'\\,;&<>\]}]+))/gi,
  value: firstGroup(4),
  validate: (value) => !notASecret.test(value),
};
