import type { ChatChannel, ChatError, ChatMessageRef, ChatPort, ChatResult, PrivateRecipient } from '../../src/ports/chat-port.ts';

/** A ChatPort that records calls and fails the next call of a kind when told to (a simulated platform). */
export class ScriptedChat implements ChatPort {
  readonly description = 'scripted chat (simulated)';
  readonly channel: ChatChannel = { workspace: 'T1', channel: 'C1' };
  readonly platform: ChatPort['platform'];
  readonly pacing = { post: { points: 100, perSeconds: 1, scope: 'channel' as const }, update: { points: 100, perSeconds: 1, scope: 'channel' as const } };
  calls: { kind: string; messageId?: string; text?: string }[] = [];
  /** The channel of every card post and edit, in order. */
  channels: string[] = [];
  failures: Partial<Record<'post' | 'update' | 'reply', ChatError>> = {};
  #next = 0;

  constructor(platform: ChatPort['platform'] = 'slack') {
    this.platform = platform;
  }

  #fail(kind: 'post' | 'update' | 'reply'): ChatResult<never> | undefined {
    const error = this.failures[kind];
    if (error === undefined) return undefined;
    delete this.failures[kind];
    return { ok: false, error };
  }
  async postCard(channel: ChatChannel): Promise<ChatResult<ChatMessageRef>> {
    this.calls.push({ kind: 'post' });
    this.channels.push(channel.channel);
    const failed = this.#fail('post');
    if (failed) return failed;
    this.#next += 1;
    return { ok: true, value: { ...channel, messageId: `m${this.#next}`, threadId: `m${this.#next}` } };
  }
  async updateCard(message: ChatMessageRef): Promise<ChatResult<void>> {
    this.calls.push({ kind: 'update', messageId: message.messageId });
    this.channels.push(message.channel);
    return this.#fail('update') ?? { ok: true, value: undefined };
  }
  async postThreadReply(message: ChatMessageRef, text: string): Promise<ChatResult<void>> {
    this.calls.push({ kind: 'reply', messageId: message.messageId, text });
    return this.#fail('reply') ?? { ok: true, value: undefined };
  }
  async answerPrivately(_recipient: PrivateRecipient): Promise<ChatResult<void>> {
    return { ok: true, value: undefined };
  }
}
