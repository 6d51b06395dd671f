/**
 * Virtual carts: one per session, built from attributed shelf events. Every line keeps the evidence
 * that produced it (core/receipt.ts Evidence); finalising a cart yields a receipt.
 */
export { type CartApply, CartBook, type CartState } from './cart-book.ts';
export { CartConfig } from './config.ts';
