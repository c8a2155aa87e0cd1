/** Runs async steps one at a time, in order (listener open/close transitions that must not overlap). */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  run(step: () => Promise<void>): Promise<void> {
    const next = this.tail.then(step);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
