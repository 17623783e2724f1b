export * from './types';
export * from './time';
export * from './decide';
export * from './view';
export * from './messages';
export * from './records';
export * from './his-answers';
export * from './mirror';
