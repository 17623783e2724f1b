export * from './types';
export * from './name';
export * from './decide';
export * from './view';
