export * from './claims';
export * from './ids';
export * from './messages';
export * from './order';
export * from './pickup';
export * from './types';
export * from './view';
