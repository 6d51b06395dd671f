import { type DeviceSentence, type DoorState, encodeSentence, type HostSentence } from './door-protocol.ts';
import { GateCommandError, GateCommandTimeoutError, GateDisconnectedError } from './errors.ts';

type Reply = Extract<DeviceSentence, { type: 'ack' | 'status' }>;

interface Pending {
  want: Reply['type'];
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply matching for one door controller: each command gets a fresh request id 1-65535, the
 * reply is matched by (id, kind), a command without a reply in time fails with
 * GateCommandTimeoutError, and a late reply is ignored.
 */
export class DoorCommands {
  readonly counters = { commandsOk: 0, commandsFailed: 0, commandTimeouts: 0 };
  private readonly pending = new Map<number, Pending>();
  private nextReq = 1;

  constructor(
    private readonly label: string,
    private readonly write: (line: string) => boolean,
  ) {}

  async open(holdMs: number, timeoutMs: number): Promise<void> {
    const reply = await this.send((req) => ({ type: 'open', req, holdMs }), 'ack', timeoutMs);
    if (reply.type === 'ack' && reply.result !== 'ok') {
      this.counters.commandsFailed++;
      throw new GateCommandError(`${this.label}: open refused (${reply.result})`);
    }
    this.counters.commandsOk++;
  }

  async query(timeoutMs: number): Promise<{ door: DoorState; passIn: number; passOut: number }> {
    const r = await this.send((req) => ({ type: 'query', req }), 'status', timeoutMs);
    if (r.type !== 'status') throw new GateCommandError(`${this.label}: status answered with ${r.type}`);
    this.counters.commandsOk++;
    return { door: r.door, passIn: r.passIn, passOut: r.passOut };
  }

  private send(make: (req: number) => HostSentence, want: Reply['type'], timeoutMs: number): Promise<Reply> {
    const req = this.nextReq;
    this.nextReq = (this.nextReq % 0xffff) + 1;
    const line = encodeSentence(make(req));
    return new Promise<Reply>((resolve, reject) => {
      if (!this.write(line)) {
        reject(new GateDisconnectedError(`${this.label}: not connected`));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(req);
        this.counters.commandTimeouts++;
        reject(new GateCommandTimeoutError(`${this.label}: no reply to request ${req} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(req, { want, resolve, reject, timer });
    });
  }

  /** Routes a reply to its command; false for a late or unknown one. An ACK may refuse any command. */
  onReply(r: Reply): boolean {
    const p = this.pending.get(r.req);
    if (!p || (r.type !== p.want && r.type !== 'ack')) return false;
    clearTimeout(p.timer);
    this.pending.delete(r.req);
    if (r.type === 'ack' && p.want === 'status') {
      this.counters.commandsFailed++;
      p.reject(new GateCommandError(`${this.label}: status refused (${r.result})`));
    } else p.resolve(r);
    return true;
  }

  failAll(reason: string): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new GateDisconnectedError(`${this.label}: ${reason}`));
    }
    this.pending.clear();
  }
}
