/**
 * The state of a data page before (or instead of) its content, the same everywhere:
 *
 * - `loading`: skeleton cards (`cards` × a skeleton with `rows`, optional `title` and `avatar`);
 * - `empty`: a picture (`image`: default | search) with `description` and, with `action-text`,
 *   a button that emits `action` (e.g. 去预约挂号);
 * - `error`: the network picture with the message (`description`) and 重新加载, which emits
 *   `retry` — pages bind it to the page-load behavior's onRetry.
 *
 * `compact`: the same states without pictures, for a box inside a page (the home page's 默认就诊人,
 * the card picker's "no card yet").
 */
Component({
  properties: {
    state: { type: String, value: 'loading' },
    description: { type: String, value: '' },
    image: { type: String, value: 'default' },
    actionText: { type: String, value: '' },
    cards: { type: Number, value: 1 },
    rows: { type: Number, value: 3 },
    title: { type: Boolean, value: true },
    avatar: { type: Boolean, value: false },
    compact: { type: Boolean, value: false },
  },

  data: { skeletons: [0] as number[] },

  observers: {
    cards(cards: number) {
      const n = Math.max(1, Math.min(5, Math.floor(cards) || 1));
      if (n !== this.data.skeletons.length) this.setData({ skeletons: Array.from({ length: n }, (_, i) => i) });
    },
  },

  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },

    onAction() {
      this.triggerEvent('action');
    },
  },
});
