// Node's own TCP binding (libuv's handle and connect request, what node:net uses inside), on its
// own so the range scanner's worker thread loads nothing else to reach it.

export interface TcpHandle {
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  close(cb?: () => void): void;
  setNoDelay?(on: boolean): number;
}
export interface ConnectReq {
  oncomplete: (status: number, handle: TcpHandle, req: ConnectReq, readable: boolean, writable: boolean) => void;
  address?: string;
  port?: number;
}
export interface TcpWrap {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

/** Node's own TCP binding, or null where it is missing or not as this code expects. */
export function tcpBinding(): TcpWrap | null {
  try {
    const b = (process as unknown as { binding(name: string): TcpWrap }).binding('tcp_wrap');
    return typeof b?.TCP === 'function' && typeof b.TCPConnectWrap === 'function' && typeof b.constants?.SOCKET === 'number' ? b : null;
  } catch {
    return null;
  }
}
