import { describe, expect, it } from 'vitest';
import { channelPath, channelsOf, socketUrl } from './asyncapi-view';

describe('AsyncAPI channels in the developer portal', () => {
  it('reads 2.x subscribe/publish as what a client receives and sends', () => {
    const doc = {
      asyncapi: '2.6.0',
      channels: {
        '/notifications': { subscribe: {} },
        'rooms/{roomId}': { description: 'a room', subscribe: {}, publish: {} },
      },
    };
    expect(channelsOf(doc)).toEqual([
      { address: '/notifications', description: undefined, receive: true, send: false, parameters: [] },
      {
        address: '/rooms/{roomId}',
        description: 'a room',
        receive: true,
        send: true,
        parameters: ['roomId'],
      },
    ]);
  });

  it("reads 3.x operations as the server's: its send is what a client receives", () => {
    const doc = {
      asyncapi: '3.0.0',
      channels: { room: { address: '/rooms/{id}' }, quiet: { address: '/quiet' } },
      operations: {
        out: { action: 'send', channel: { $ref: '#/channels/room' } },
        in: { action: 'receive', channel: { $ref: '#/channels/room' } },
      },
    };
    expect(channelsOf(doc).map(({ address, receive, send }) => ({ address, receive, send }))).toEqual([
      { address: '/rooms/{id}', receive: true, send: true },
      { address: '/quiet', receive: false, send: false },
    ]);
  });

  it('makes the socket URL of a channel at the gateway, the token in the query', () => {
    const path = channelPath('/rooms/{id}', { id: 'a b' });
    expect(socketUrl('https://gw.example.com:8243/chat/1.0.0', path, 't0k')).toBe(
      'wss://gw.example.com:8243/chat/1.0.0/rooms/a%20b?access_token=t0k',
    );
  });
});
