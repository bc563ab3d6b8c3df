export { createVersionedStore, type VersionedStore } from './versioned-store.ts';
