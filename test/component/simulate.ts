/**
 * Typed access to miniprogram-simulate 1.6.2 for the component tests.
 *
 * Loaded with `require()` on purpose: the package's own typings import j-component, which imports
 * miniprogram-api-typings; those declare mini-program globals (`require`, `wx`, ...) that clash
 * with @types/node in the root TypeScript program (tsconfig.json), breaking files like
 * scripts/build.ts. A plain `require()` is not followed by the type checker, so the root program
 * stays clean; these hand-written types cover what the tests use.
 */

/** Page lifecycles live under `methods` of the page's Component(); simulate never calls them. */
export interface PageInstance {
  readonly data: Record<string, unknown>;
  onLoad(query: Record<string, string>): void;
  onShow(): void;
  onPullDownRefresh(): void;
}

/** A rendered node (custom component or built-in element) of j-component. */
export interface SimNode {
  readonly dom: HTMLElement | undefined;
  /** Component data (properties included); `{}` for built-in elements. */
  readonly data: Record<string, unknown>;
  /** The component's `this`; for page-components, the tests call the page lifecycles on it. */
  readonly instance: PageInstance;
  querySelector(selector: string): SimNode | undefined;
  querySelectorAll(selector: string): SimNode[];
  dispatchEvent(eventName: string, options?: { detail?: unknown; [key: string]: unknown }): void;
  /** Listens to the events this component triggers itself (`this.triggerEvent`). */
  addEventListener(eventName: string, handler: (event: { detail: unknown }) => void): void;
  setData(data: Record<string, unknown>, callback?: () => void): void;
  triggerLifeTime(lifetime: 'created' | 'ready' | 'attached' | 'moved' | 'detached'): void;
  toJSON(): { tagName: string; event: Record<string, { handler: string }> };
}

export interface SimRoot extends SimNode {
  attach(parent: Node): void;
  detach(): void;
}

export interface LoadOptions {
  compiler?: 'official' | 'simulate';
  rootPath?: string;
  usingComponents?: Record<string, string>;
}

export interface MiniprogramSimulate {
  load(componentPath: string, options?: LoadOptions): string;
  load(componentPath: string, tagName: string, options?: LoadOptions): string;
  render(componentId: string, properties?: Record<string, unknown>): SimRoot;
  sleep(ms?: number): Promise<void>;
  match(dom: Node, html: string): boolean;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const simulate = require('miniprogram-simulate') as MiniprogramSimulate;
