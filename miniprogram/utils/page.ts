/**
 * Pages are written with Component() (lifecycles under `methods`). What a page keeps but never
 * renders — query values, an idempotency key, an answer it filters again later — belongs in
 * instance fields, not in `data`: every setData copies its values to the render layer.
 *
 *   definePage(() => ({ _bookingId: '' }))({ data, methods: { onLoad() { this._bookingId = … } } })
 *
 * types those fields on `this` and gives each instance its own fresh values when it is created
 * (before onLoad). Field names start with `_` so that they never meet a framework property.
 */
/** A tap on an element carrying `data-*` attributes: `event.currentTarget.dataset` is `T`. */
export type DataEvent<T extends WechatMiniprogram.IAnyObject> = WechatMiniprogram.CustomEvent<
  WechatMiniprogram.IAnyObject,
  WechatMiniprogram.IAnyObject,
  T
>;

type DataOption = WechatMiniprogram.Component.DataOption;
type PropertyOption = WechatMiniprogram.Component.PropertyOption;
type MethodOption = WechatMiniprogram.Component.MethodOption;
type BehaviorOption = WechatMiniprogram.Component.BehaviorOption;

export function definePage<TFields extends WechatMiniprogram.IAnyObject>(initFields: () => TFields) {
  return function register<
    TData extends DataOption,
    TProperty extends PropertyOption,
    TMethod extends MethodOption,
    TBehavior extends BehaviorOption,
  >(
    options: WechatMiniprogram.Component.Options<TData, TProperty, TMethod, TBehavior, TFields>,
  ): WechatMiniprogram.Component.Identifier<TData, TProperty, TMethod> {
    const created = options.lifetimes?.created;
    return Component<TData, TProperty, TMethod, TBehavior, TFields>({
      ...options,
      lifetimes: {
        ...options.lifetimes,
        created(this: TFields) {
          Object.assign(this, initFields());
          created?.call(this);
        },
      },
    });
  };
}
