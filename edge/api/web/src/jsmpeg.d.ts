/** The part of @cycjimmy/jsmpeg-player (untyped) the cameras screen uses. */
declare module '@cycjimmy/jsmpeg-player' {
  interface PlayerOptions {
    canvas?: HTMLCanvasElement;
    audio?: boolean;
    disableGl?: boolean;
    /** Seconds between reconnect attempts of the WebSocket source (0 = never). */
    reconnectInterval?: number;
    onVideoDecode?: () => void;
  }
  class Player {
    constructor(url: string, options?: PlayerOptions);
    destroy(): void;
  }
  const JSMpeg: { Player: typeof Player };
  export default JSMpeg;
}
