// The operator layer's public surface: the Operator subclass, the manager that wires everything, registration
// types and key mappers.
export { ControllerOperator, type ControllerOperatorOptions, type WatchEvent } from './controller-operator.js';
export { Manager, type ManagerOptions } from './manager.js';
export { handleProcessSignals } from './signals.js';
export { mapAny, mapOwnerLabels, mapOwnerReferences } from './mappers.js';
export type {
  CacheReader,
  ControllerRegistration,
  KeyMapper,
  MappedWatch,
  NamespaceScope,
  OwnedWatch,
  WatchSpec,
} from './types.js';
