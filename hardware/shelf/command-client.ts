import { encodeFrame } from './cobs.ts';
import { ShelfCommandError, ShelfCommandTimeoutError, ShelfDisconnectedError } from './errors.ts';
import { CMD, type CommandName, encodeRequest, type ReplyFrame, STATUS } from './protocol.ts';

interface PendingCommand {
  cmd: number;
  resolve: (f: ReplyFrame) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply matching for one controller: each request gets a fresh 16-bit reqId, a reply is
 * matched by (reqId, command), and a request without a reply in time fails with
 * ShelfCommandTimeoutError. Replies arriving after their timeout are ignored.
 */
export class CommandClient {
  private readonly pending = new Map<number, PendingCommand>();
  private nextReqId = 1;
  timeouts = 0;

  constructor(private readonly label: string) {}

  send(
    write: ((b: Buffer) => void) | undefined,
    name: CommandName,
    args: Uint8Array | undefined,
    timeoutMs: number,
  ): Promise<ReplyFrame> {
    if (!write) return Promise.reject(new ShelfDisconnectedError(`${this.label}: not connected`));
    const reqId = this.nextReqId;
    this.nextReqId = (this.nextReqId % 0xffff) + 1;
    const cmd = CMD[name];
    return new Promise<ReplyFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        this.timeouts++;
        reject(new ShelfCommandTimeoutError(`${this.label}: ${name} got no reply in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(reqId, { cmd, resolve, reject, timer });
      write(encodeFrame(encodeRequest(reqId, cmd, args)));
    }).then((reply) => {
      if (reply.status !== STATUS.ok)
        throw new ShelfCommandError(`${this.label}: ${name} failed with status ${reply.status}`);
      return reply;
    });
  }

  /** Routes a reply to its request; returns false for a late or unknown reply. */
  onReply(f: ReplyFrame): boolean {
    const p = this.pending.get(f.reqId);
    if (!p || p.cmd !== f.cmd) return false;
    clearTimeout(p.timer);
    this.pending.delete(f.reqId);
    p.resolve(f);
    return true;
  }

  /** Fails every request in flight (the port closed under them). */
  failAll(reason: string): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ShelfDisconnectedError(`${this.label}: ${reason}`));
    }
    this.pending.clear();
  }
}
