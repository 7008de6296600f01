export * from './content';
export * from './payload';
export * from './registration';
export * from './signature';
export * from './verify';
