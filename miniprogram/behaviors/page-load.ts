/**
 * What every data page does the same way around its own `load()`: 重新加载 shows the skeleton
 * again and loads; pull-to-refresh loads (keeping what is shown, see each page's `load`) and then
 * stops the refresh animation. A page lists `behaviors: [pageLoad]`, defines `load()` and a
 * `status` in its data, and binds its error state's 重新加载 to onRetry:
 * `<state-view state="error" … bind:retry="onRetry" />` (components/state-view).
 *
 * A page whose first load needs nothing from the query adds loadOnOpen (loads once, when opened)
 * or loadOnShow (loads each time it shows: it lists what other pages change).
 */
interface LoadablePage {
  data: { status: string };
  setData(data: { status: 'loading' }): void;
  load(): Promise<void>;
}

export const pageLoad = Behavior({
  methods: {
    onRetry() {
      const page = this as unknown as LoadablePage;
      if (page.data.status !== 'loading') page.setData({ status: 'loading' });
      void page.load();
    },

    /** Only pages whose JSON enables pull-down refresh ever get it. */
    onPullDownRefresh() {
      void (this as unknown as LoadablePage).load().then(() => wx.stopPullDownRefresh());
    },
  },
});

/** With pageLoad: the first load when the page opens (onLoad). */
export const loadOnOpen = Behavior({
  methods: {
    onLoad() {
      void (this as unknown as LoadablePage).load();
    },
  },
});

/** With pageLoad: a load each time the page shows (onShow), so coming back shows what changed meanwhile. */
export const loadOnShow = Behavior({
  methods: {
    onShow() {
      void (this as unknown as LoadablePage).load();
    },
  },
});
