import { describe, expect, it } from 'vitest';
import {
  decodeExecutorMessage,
  decodeSchedulerMessage,
  MsgType,
  messageCallBody,
  stampMessage,
} from '../../src/messages/bcs-message.js';

describe('stampMessage', () => {
  it('stamps what the original SendBcsMessage stamps (unix seconds, staging, TaskID null)', () => {
    const message = stampMessage(
      { Type: MsgType.SIGNAL, Sig: { Signal: 12, ProcessName: 'p' } },
      'tg-1',
      1_547_437_542_999,
    );
    expect(message).toEqual({
      Id: 1547437542,
      Type: 2,
      TaskGroupId: 'tg-1',
      TaskID: null,
      Sig: { Signal: 12, ProcessName: 'p' },
      Status: 'staging',
      Message: '',
      CompleteTime: 0,
      CreateTime: 1547437542,
    });
  });
});

describe('messageCallBody', () => {
  it('encodes data as base64 of the ASCII base64 of the JSON (the executor decodes base64 of the bytes)', () => {
    const message = stampMessage({ Type: MsgType.COMMIT_TASK, CommitTask: { Tasks: [] } }, 'tg-1', 0);
    const body = messageCallBody('agent-1', 'tg-1', message);
    expect(body.agent_id).toEqual({ value: 'agent-1' });
    expect(body.executor_id).toEqual({ value: 'tg-1' });
    // By hand: proto3-JSON bytes → the bytes the executor receives → its base64.StdEncoding.DecodeString → JSON.
    const bytes = Buffer.from(body.data, 'base64').toString('ascii');
    expect(bytes).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(Buffer.from(bytes, 'base64').toString('utf8'))).toEqual(message);
    expect(decodeSchedulerMessage(body.data)).toEqual(message);
  });
});

describe('decodeExecutorMessage', () => {
  it('reads one base64 layer of plain JSON', () => {
    const reply = { Id: 0, Type: 13, ResponseCommandTask: { ID: 'c', TaskId: 't', Status: 'finish' } };
    expect(decodeExecutorMessage(Buffer.from(JSON.stringify(reply)).toString('base64'))).toEqual(reply);
  });
  it.each([
    ['not JSON', Buffer.from('{oops').toString('base64')],
    ['an array', Buffer.from('[1]').toString('base64')],
    ['no numeric Type', Buffer.from('{"Type":"13"}').toString('base64')],
  ])('returns undefined for %s', (_label, data) => {
    expect(decodeExecutorMessage(data)).toBeUndefined();
  });
});
