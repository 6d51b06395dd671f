import sharp from 'sharp';
import type { RgbFrame } from './index.ts';

/**
 * A frame letterboxed into the model input: image at top-left, black padding right/bottom. The longer
 * side becomes `size`; with `square` the input is size×size, otherwise the short side is only padded
 * to a multiple of 32 (MoveNet accepts that; a 4:3 camera then costs 25% less than a square input).
 */
export interface Letterboxed {
  size: number;
  width: number;
  height: number;
  /** Model pixels per frame pixel. */
  scale: number;
  data: Uint8Array;
}

export async function letterbox(frame: RgbFrame, size: number, square = true): Promise<Letterboxed> {
  const scale = size / Math.max(frame.width, frame.height);
  const w = Math.max(1, Math.round(frame.width * scale));
  const h = Math.max(1, Math.round(frame.height * scale));
  const width = square ? size : Math.ceil(w / 32) * 32;
  const height = square ? size : Math.ceil(h / 32) * 32;
  const data = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .resize(w, h, { fit: 'fill' })
    .extend({ right: width - w, bottom: height - h, background: { r: 0, g: 0, b: 0 } })
    .removeAlpha()
    .raw()
    .toBuffer();
  return { size, width, height, scale, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Decodes an image file (jpg/png/...) into an RGB frame. */
export async function readImage(file: string): Promise<RgbFrame> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

export const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
