import { InvalidArgumentError } from '../../src/index.js';
import { assertSegment } from '../internal/path-segment.js';

/**
 * The node layout of a {@link WorkAssignment} group under its root path:
 * `<root>/workers/<workerId>` (ephemeral member nodes, data `{"capacity":n}`),
 * `<root>/items/<item>` (persistent work items, data = the item's description),
 * `<root>/items/<item>/owner` (ephemeral, data `{"worker":id,"nonce":…}`: the one owner), and
 * `<root>/items/<item>/progress` (persistent, the owner's progress, read by the next owner).
 *
 * @example
 * ```ts
 * const p = new WorkPaths('/logs');
 * p.owner('host-7'); // '/logs/items/host-7/owner'
 * ```
 */
export class WorkPaths {
  /** `<root>/workers` */
  readonly workers: string;
  /** `<root>/items` */
  readonly items: string;

  /** @param root the group's root node */
  constructor(readonly root: string) {
    if (typeof root !== 'string' || !root.startsWith('/') || (root.length > 1 && root.endsWith('/'))) {
      throw new InvalidArgumentError(`invalid path ${JSON.stringify(root)}`);
    }
    const base = root === '/' ? '' : root;
    this.workers = `${base}/workers`;
    this.items = `${base}/items`;
  }

  /** The item's node (validates the name). @example `paths.item('a')` */
  item(name: string): string {
    assertSegment(name, 'item name');
    return `${this.items}/${name}`;
  }

  /** The item's owner node. @example `paths.owner('a')` */
  owner(name: string): string {
    return `${this.item(name)}/owner`;
  }

  /** The item's progress node. @example `paths.progress('a')` */
  progress(name: string): string {
    return `${this.item(name)}/progress`;
  }
}
