import http from 'node:http';
import type { Socket } from 'node:net';
import { GatewayErrors, gatewayErrorBody, type GatewayErrorName } from '@apim/contracts';

/**
 * Node detects framing errors itself; this answers them in WSO2's shape and closes the connection.
 * `refused` learns of each answered one (counted with the requests that matched no API).
 */
export function clientErrorAnswer(refused: (name: GatewayErrorName) => void) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const name: GatewayErrorName =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? 'HEADERS_TOO_LARGE'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 'REQUEST_TIMEOUT'
          : 'BAD_REQUEST';
    refused(name);
    const { status } = GatewayErrors[name];
    const body = JSON.stringify(gatewayErrorBody(name));
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}
