export * from './types';
export * from './time';
export * from './decide';
export * from './view';
export * from './messages';
