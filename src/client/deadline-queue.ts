/**
 * The per-request timeout of the common case (the client's `requestTimeoutMs`) with one timer
 * for all requests instead of one each. Packets enter in creation order with the same timeout,
 * so their deadlines ascend; replies come back in the same order, so settled packets leave from
 * the head at once and the queue stays short. The timer is re-armed for the head's deadline when
 * it fires, and unref'd while nothing waits, so an idle client does not keep a process alive.
 *
 * @module
 */
import type { Packet } from './packet.js';

/**
 * Deadlines of packets that share one timeout.
 *
 * @example
 * ```ts
 * const deadlines = new DeadlineQueue(30_000, (p) => reject(p, new RequestTimeoutError()));
 * deadlines.add(packet);      // when the request is made
 * deadlines.settled();        // after any packet of the queue settled (p.done = true)
 * ```
 */
export class DeadlineQueue {
  /** The timeout every packet of this queue has. */
  readonly timeoutMs: number;
  readonly #onExpired: (p: Packet) => void;
  #items: (Packet | undefined)[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  /** @param onExpired called once for each packet whose deadline passed unsettled */
  constructor(timeoutMs: number, onExpired: (p: Packet) => void) {
    this.timeoutMs = timeoutMs;
    this.#onExpired = onExpired;
  }

  /** Packets waiting (settled ones not yet dropped included). */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Starts `p`'s clock: it expires `timeoutMs` from now unless it settles first. */
  add(p: Packet): void {
    p.deadline = performance.now() + this.timeoutMs;
    this.#items.push(p);
    if (this.#timer === undefined) this.#arm(this.timeoutMs);
    else if (this.#items.length - this.#head === 1) this.#timer.ref();
  }

  /** Some packet of the queue settled: drops settled packets from the head. */
  settled(): void {
    const items = this.#items;
    let head = this.#head;
    while (head < items.length && items[head]?.done) items[head++] = undefined;
    this.#head = head;
    this.#compact();
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
      this.#timer?.unref();
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  #arm(delayMs: number): void {
    this.#timer = setTimeout(this.#fire, Math.max(1, Math.ceil(delayMs)));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    // #onExpired settles the packet, which calls settled(): read the fields afresh each turn
    while (this.#head < this.#items.length) {
      const p = this.#items[this.#head];
      if (p !== undefined && !p.done && (p.deadline ?? 0) > now) break;
      this.#items[this.#head++] = undefined;
      if (p !== undefined && !p.done) this.#onExpired(p);
    }
    this.#compact();
    const next = this.#items[this.#head];
    if (next !== undefined && this.#timer === undefined) this.#arm((next.deadline ?? now) - now);
  };
}
