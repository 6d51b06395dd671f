import type { Topic, TopicMap } from '../../core/messages.ts';

export type Handler<T extends Topic> = (msg: TopicMap[T], topic: T) => void;

/**
 * The bus every edge stage talks through. In-process by default (`InProcessBus`); between processes
 * a zeromq XSUB/XPUB proxy carries the same topic map, validated with `TopicSchemas` at the boundary.
 */
export interface Bus {
  publish<T extends Topic>(topic: T, msg: TopicMap[T]): void;
  /** Returns an unsubscribe function. */
  subscribe<T extends Topic>(topic: T, handler: Handler<T>): () => void;
  close(): Promise<void>;
}

export { InProcessBus } from './in-process-bus.ts';
export { ZmqBus } from './zmq-bus.ts';
export { DEFAULT_ENDPOINTS, type ProxyEndpoints, startBusProxy } from './zmq-proxy.ts';
