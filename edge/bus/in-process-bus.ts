import { createLogger } from '../../core/log.ts';
import type { Topic, TopicMap } from '../../core/messages.ts';
import type { Bus, Handler } from './index.ts';

const log = createLogger('edge.bus');

/**
 * Synchronous in-process bus: publish calls handlers in subscription order before returning, so a
 * replay is deterministic. In-process messages are trusted (already typed); validation happens where
 * data enters the process. A throwing handler is logged and does not stop the others.
 */
export class InProcessBus implements Bus {
  private readonly handlers = new Map<Topic, Set<Handler<Topic>>>();

  publish<T extends Topic>(topic: T, msg: TopicMap[T]): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const h of set) {
      try {
        (h as Handler<T>)(msg, topic);
      } catch (err) {
        log.error({ err, topic }, 'bus handler failed');
      }
    }
  }

  subscribe<T extends Topic>(topic: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    set.add(handler as Handler<Topic>);
    return () => set.delete(handler as Handler<Topic>);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
