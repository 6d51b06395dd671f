import type { Topic, TopicMap } from '../../core/messages.ts';
import type { Bus } from '../bus/index.ts';

/**
 * The supervisor's reports pass through here. While this box's proxy is down, pub/sub would drop
 * them, so they are held (up to `max`, oldest dropped first) and published once the bus works again.
 */
export class HeldSink {
  private held: Array<{ topic: Topic; msg: TopicMap[Topic] }> | undefined;
  dropped = 0;

  constructor(
    private readonly bus: Pick<Bus, 'publish'>,
    private readonly max = 1000,
  ) {}

  get holding(): boolean {
    return this.held !== undefined;
  }

  publish<T extends Topic>(topic: T, msg: TopicMap[T]): void {
    if (!this.held) {
      this.bus.publish(topic, msg);
      return;
    }
    if (this.held.length >= this.max) {
      this.held.shift();
      this.dropped++;
    }
    this.held.push({ topic, msg });
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const h of held) this.bus.publish(h.topic, h.msg);
  }
}
