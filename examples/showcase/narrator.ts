/**
 * Terminal output of the showcase: narration lines above a live status line, colours when
 * stdout is a terminal (and `NO_COLOR` is unset), plain lines otherwise (CI logs, pipes).
 *
 * @module
 */

/** ANSI styles used by the showcase. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray';

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
};

/** Where the narrator writes; `process.stdout` by default. */
export interface NarratorOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * Prints the story of the showcase. On a terminal, one status line stays at the bottom and is
 * redrawn in place (`setStatus`, refreshed every 250 ms); narration scrolls above it.
 *
 * @example
 * ```ts
 * const n = new Narrator();
 * n.scene('Leader election');
 * n.say(`${n.paint('w1', 'cyan')} is the leader`);
 * n.setStatus(() => `leader: w1`);
 * n.stop();
 * ```
 */
export class Narrator {
  readonly #out: NarratorOutput;
  readonly #color: boolean;
  readonly #live: boolean;
  readonly #startedAt = Date.now();
  #status: (() => string) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #drawn = false;
  #muted = false;

  constructor(out: NarratorOutput = process.stdout, opts: { color?: boolean } = {}) {
    this.#out = out;
    this.#live = out.isTTY === true;
    this.#color = opts.color ?? (this.#live && !process.env.NO_COLOR);
  }

  /** Seconds since the narrator was created, e.g. `12.3s`. */
  get elapsed(): string {
    return `${((Date.now() - this.#startedAt) / 1000).toFixed(1)}s`;
  }

  /** Wraps `text` in an ANSI style when colours are on. */
  paint(text: string, ...styles: Style[]): string {
    if (!this.#color) return text;
    return styles.reduce((s, style) => `\x1b[${CODES[style][0]}m${s}\x1b[${CODES[style][1]}m`, text);
  }

  /** Drops every later line except {@link Narrator.final} ones (used while shutting down). */
  mute(): void {
    this.#muted = true;
  }

  /** A line printed even when muted. */
  final(text: string): void {
    this.#line(`${this.paint(this.elapsed.padStart(6), 'gray')}  ${this.paint(text, 'dim')}`, true);
  }

  /** A scene heading. */
  scene(title: string): void {
    this.#line('');
    this.#line(this.paint(`── ${title} ${'─'.repeat(Math.max(3, 60 - title.length))}`, 'bold', 'blue'));
  }

  /** A narration line. */
  say(text: string): void {
    this.#line(`${this.paint(this.elapsed.padStart(6), 'gray')}  ${text}`);
  }

  /** A success line (green check). */
  ok(text: string): void {
    this.say(`${this.paint('✔', 'green')} ${text}`);
  }

  /** A warning or fault line (yellow). */
  warn(text: string): void {
    this.say(`${this.paint('⚡', 'yellow')} ${this.paint(text, 'yellow')}`);
  }

  /** A failure line (red cross). */
  fail(text: string): void {
    this.say(`${this.paint('✘', 'red')} ${this.paint(text, 'red')}`);
  }

  /** A detail line, dimmed. */
  detail(text: string): void {
    this.say(this.paint(text, 'dim'));
  }

  /** Shows a live status line (terminals only) computed by `render`, refreshed every 250 ms. */
  setStatus(render: () => string): void {
    this.#status = render;
    if (!this.#live || this.#timer) return;
    this.#timer = setInterval(() => this.#redraw(), 250);
    this.#timer.unref();
    this.#redraw();
  }

  /** Removes the status line and stops refreshing it. Idempotent. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clear();
    this.#status = undefined;
  }

  #line(text: string, force = false): void {
    if (this.#muted && !force) return;
    this.#clear();
    this.#out.write(`${text}\n`);
    this.#redraw();
  }

  #clear(): void {
    if (this.#live && this.#drawn) this.#out.write('\r\x1b[2K');
    this.#drawn = false;
  }

  #redraw(): void {
    if (!this.#live || !this.#status) return;
    let text: string;
    try {
      text = this.#status();
    } catch {
      return;
    }
    // A wrapped status line could not be redrawn in place: fit it to the terminal.
    const width = (this.#out.columns ?? 120) - 3;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes
    const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
    if (plain.length > width) text = `${plain.slice(0, Math.max(0, width - 1))}…`;
    this.#clear();
    this.#out.write(`${this.paint('▶', 'magenta')} ${text}`);
    this.#drawn = true;
  }
}
